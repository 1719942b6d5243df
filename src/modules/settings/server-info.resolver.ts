import { Arg, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context';

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
}

@Resolver()
export class ServerInfoResolver {
  @Query(() => ServerInfo)
  async serverInfo(@Ctx() ctx: Context): Promise<ServerInfo> {
    const s = await ctx.settings();
    return { instanceName: s.instanceName, serverName: s.serverName, registrationMode: s.registration.mode, publicUrl: s.publicUrl };
  }

  @Query(() => Boolean, { description: 'Whether an invite (registration token) can be used now (Matrix validity check).' })
  inviteTokenValid(@Ctx() { services }: Context, @Arg('token') token: string) {
    return services.invites.isUsable(token);
  }
}
