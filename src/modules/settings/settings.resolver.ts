import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';

@ObjectType()
export class SettingsPayload {
  @Field(() => GraphQLJSONObject, { description: 'The settings document; secrets read as null (with passwordSet).' })
  settings!: Record<string, unknown>;

  @Field({ description: 'A changed key needs a restart (see the restart mutation).' })
  restartRequired!: boolean;
}

@Resolver()
export class SettingsResolver {
  @Query(() => SettingsPayload)
  settings(@Ctx() { services }: Context) {
    return services.settings.read();
  }

  @Mutation(() => SettingsPayload, { description: 'Replaces the whole document; an invalid one changes nothing.' })
  replaceSettings(@Ctx() { services }: Context, @Arg('settings', () => GraphQLJSONObject, { validate: false }) settings: Record<string, unknown>) {
    return services.settings.replace(settings);
  }

  @Mutation(() => SettingsPayload, { description: 'Deep-merges a patch; an invalid result changes nothing.' })
  patchSettings(@Ctx() { services }: Context, @Arg('patch', () => GraphQLJSON, { validate: false }) patch: unknown) {
    return services.settings.patch(patch);
  }
}
