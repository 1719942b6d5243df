import { Arg, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { VERSION } from '../process/process.service';
import type { Context } from '../context';

@ObjectType({ description: 'What any client may know about this server before signing in.' })
export class ServerInfo {
  @Field()
  instanceName!: string;

  @Field({ description: 'Matrix user ids read @localpart:serverName.' })
  serverName!: string;

  @Field({ description: 'open, invite or closed.' })
  registrationMode!: string;

  @Field({ description: 'The URL clients reach this server at.' })
  publicUrl!: string;

  @Field({ description: 'Whether an SMTP server is configured (mail is sent, not only kept in the outbox).' })
  mailerEnabled!: boolean;

  @Field({ description: 'Gatehouse version.' })
  version!: string;

  @Field(() => Int, { description: 'The port this instance listens on.' })
  port!: number;

  @Field(() => String, {
    nullable: true,
    description: "The identity server Matrix clients are told of (Telodendria's `identityServer`), if any.",
  })
  matrixIdentityServer!: string | null;
}

@ObjectType({ description: 'Public usage counts (nodeinfo).' })
export class ServerUsage {
  @Field(() => Int, { description: 'Active accounts.' })
  users!: number;

  @Field(() => Int, { description: 'Active accounts that signed in during the last 30 days.' })
  activeMonth!: number;

  @Field(() => Int, { description: 'Active accounts that signed in during the last 180 days.' })
  activeHalfyear!: number;
}

@Resolver(() => ServerInfo)
export class ServerInfoResolver {
  @Query(() => ServerInfo)
  async serverInfo(@Ctx() ctx: Context): Promise<ServerInfo> {
    const s = await ctx.settings();
    return {
      instanceName: s.instanceName,
      serverName: s.serverName,
      registrationMode: s.registration.mode,
      publicUrl: s.publicUrl,
      mailerEnabled: s.smtp.host != null,
      version: VERSION,
      port: ctx.deps.config.port,
      matrixIdentityServer: typeof s.telodendria?.identityServer === 'string' ? s.telodendria.identityServer : null,
    };
  }

  @FieldResolver(() => ServerUsage, { description: 'Usage counts, as nodeinfo publishes them.' })
  async usage(@Ctx() { db }: Context): Promise<ServerUsage> {
    const now = Date.now();
    const count = async (sinceDays?: number) => {
      const qb = db.knex('users').where('active', true);
      if (sinceDays != null) qb.where('last_login_at', '>=', db.date(new Date(now - sinceDays * 86_400_000)));
      const row = (await qb.count({ n: '*' }).first()) as { n: unknown };
      return Number(row.n);
    };
    const [users, activeMonth, activeHalfyear] = await Promise.all([count(), count(30), count(180)]);
    return { users, activeMonth, activeHalfyear };
  }

  @Query(() => Boolean, { description: 'Whether an invite (registration token) can be used now (Matrix validity check).' })
  inviteTokenValid(@Ctx() { services }: Context, @Arg('token') token: string) {
    return services.invites.isUsable(token);
  }
}
