import { randomBytes } from 'node:crypto';
import { ArrayMaxSize, IsOptional, IsUrl, MaxLength } from 'class-validator';
import { Arg, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';

@InputType()
export class ClientAppInput {
  @Field()
  @MaxLength(256)
  name!: string;

  @Field(() => [String], { defaultValue: ['urn:ietf:wg:oauth:2.0:oob'] })
  @ArrayMaxSize(16)
  redirectUris!: string[];

  @Field(() => [String], { defaultValue: ['read'] })
  @ArrayMaxSize(64)
  scopes!: string[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_tld: false }, { message: 'website must be a URL' })
  website?: string | null;
}

@ObjectType({ description: 'Client credentials for OAuth-speaking admin tools (Mastodon /api/v1/apps).' })
export class ClientApp {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  website!: string | null;

  @Field(() => [String])
  redirectUris!: string[];

  @Field(() => [String])
  scopes!: string[];

  @Field()
  clientId!: string;

  @Field()
  clientSecret!: string;
}

@Resolver()
export class ClientAppResolver {
  /**
   * Issues client credentials. Gatehouse signs in with the password grant and binds sessions to users,
   * not to clients, so nothing is stored (and no state changes): the credentials only satisfy clients
   * that must register before they ask for a token.
   */
  @Mutation(() => ClientApp, { description: 'Registers an OAuth client (stateless: the token endpoint does not check clients).' })
  registerClientApp(@Arg('input', () => ClientAppInput) input: ClientAppInput): ClientApp {
    return {
      id: randomBytes(8).readBigUInt64BE().toString(),
      name: input.name,
      website: input.website ?? null,
      redirectUris: input.redirectUris,
      scopes: input.scopes,
      clientId: randomBytes(24).toString('base64url'),
      clientSecret: randomBytes(32).toString('base64url'),
    };
  }
}
