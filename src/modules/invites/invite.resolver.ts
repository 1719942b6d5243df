import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { Connection, PageArgs } from '../../graphql/pagination';
import { Invite, InviteType, inviteState, inviteType } from './invite.entity';
import { CreateInviteInput, InviteFilter, UpdateInviteInput } from './invite.inputs';

const InviteConnection = Connection('Invite', Invite);

@ObjectType()
export class EmailInvitePayload {
  @Field(() => Invite)
  invite!: Invite;

  @Field({ description: 'True when an SMTP server accepted the message; false when it waits in the outbox.' })
  delivered!: boolean;

  @Field(() => ID)
  outboxId!: number;
}

@Resolver(() => Invite)
export class InviteResolver {
  @Query(() => InviteConnection, { description: 'Invites, newest first.' })
  async invites(
    @Ctx() { services }: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => InviteFilter, { nullable: true }) filter?: InviteFilter,
  ) {
    const { nodes, pageInfo, count } = await services.invites.list(filter, page);
    return new InviteConnection(nodes, pageInfo, count);
  }

  @Query(() => Invite, { nullable: true })
  invite(@Ctx() { services }: Context, @Arg('token') token: string) {
    return services.invites.getByToken(token);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The token itself (at most 64 characters of [A-Za-z0-9._~-]). Null unless the viewer holds every privilege the invite grants (directly and through its roles).',
  })
  token(@Root() i: Invite, @Ctx() { services }: Context) {
    return services.invites.readableToken(i);
  }

  @FieldResolver(() => [String], { description: 'Roles given to whoever registers with it (stored by id; their current names).' })
  grantRoles(@Root() i: Invite, @Ctx() { services }: Context) {
    return services.invites.grantRoleNames(i);
  }

  @FieldResolver(() => Boolean, { description: 'Not revoked, not expired, not used up.' })
  valid(@Root() i: Invite) {
    return inviteState(i).valid;
  }

  @FieldResolver(() => Boolean, { description: "Akkoma's used: revoked or used up." })
  used(@Root() i: Invite) {
    return inviteState(i).used;
  }

  @FieldResolver(() => InviteType)
  inviteType(@Root() i: Invite) {
    return inviteType(i);
  }

  @Mutation(() => Invite)
  createInvite(@Ctx() { services }: Context, @Arg('input', () => CreateInviteInput) input: CreateInviteInput) {
    return services.invites.create(input);
  }

  @Mutation(() => [Invite], { description: 'Creates `count` (1–100) invites alike in one transaction (each with its own random token).' })
  createInvites(
    @Ctx() { services }: Context,
    @Arg('count', () => Int) count: number,
    @Arg('input', () => CreateInviteInput) input: CreateInviteInput,
  ) {
    return services.invites.createMany(count, input);
  }

  @Mutation(() => Invite, { description: 'Changes max uses or expiry of an invite named by token (or id).' })
  updateInvite(@Ctx() { services }: Context, @Arg('token') token: string, @Arg('input', () => UpdateInviteInput) input: UpdateInviteInput) {
    return services.invites.update(token, input);
  }

  @Mutation(() => Invite)
  revokeInvite(@Ctx() { services }: Context, @Arg('token') token: string) {
    return services.invites.revoke(token);
  }

  @Mutation(() => String, { description: 'Deletes an invite; answers its token.' })
  deleteInvite(@Ctx() { services }: Context, @Arg('token') token: string) {
    return services.invites.delete(token);
  }

  @Mutation(() => EmailInvitePayload, { description: 'Creates a one-use invite and mails its registration link.' })
  sendInviteEmail(@Ctx() { services }: Context, @Arg('email') email: string, @Arg('name', () => String, { nullable: true }) name?: string) {
    return services.invites.sendEmail(email, name);
  }
}
