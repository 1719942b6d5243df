import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { selectionOf } from '../../graphql/selection';
import { normalizePrivileges } from '../../shared/privileges';
import type { Context } from '../context';
import { PageArgs } from '../../graphql/pagination';
import { Group } from '../groups/group.entity';
import { Privilege } from '../privileges/privilege.enum';
import { PrivilegeChangeMode, PrivilegeService } from '../privileges/privilege.service';
import { Role } from '../roles/role.entity';
import { User } from './user.entity';
import { CreateUserInput, UpdateUserInput, UserFilter } from './user.inputs';
import { RegisterInput } from './registration.service';
import { userPageShape, type UserRecord } from './user.queries';
import { AuthPayload, Deactivation, UserConnection } from './user.types';
import { SessionRecord } from '../auth/session.types';
import { TokenFormat } from '../auth/auth.service';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user, or null when anonymous.' })
  viewer(@Ctx() { services }: Context, @Info() info?: GraphQLResolveInfo) {
    return services.users.viewerRecord(info ? selectionOf(info) : undefined);
  }

  @Query(() => SessionRecord, { description: 'The session (token) this request is made with.' })
  currentSession(@Ctx() { services }: Context) {
    return services.auth.currentSession();
  }

  @Query(() => User, {
    nullable: true,
    description: 'A user by id or by username (exactly one). Null, with an error, when not found or not allowed.',
  })
  user(
    @Ctx() { services }: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('username', () => String, { nullable: true }) username?: string,
    @Arg('idOrUsername', () => String, { nullable: true, description: 'An id, else a username (Pleroma nickname_or_id).' })
    idOrUsername?: string,
  ) {
    // The permission rule has required exactly one of the three.
    if (idOrUsername != null) return services.users.getByIdOrUsername(idOrUsername);
    return id != null ? services.users.get(id) : services.users.getByUsername(username!);
  }

  @Query(() => UserConnection, { description: 'Users in creation order (or newest first), filtered and paged.' })
  async users(
    @Ctx() { services }: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => UserFilter, { nullable: true }) filter?: UserFilter,
    @Arg('newestFirst', () => Boolean, {
      defaultValue: false,
      description: 'Newest account first (Akkoma’s admin list order); cursors follow it.',
    })
    newestFirst?: boolean,
    @Info() info?: GraphQLResolveInfo,
  ) {
    // Only the columns and relations the client selected under `nodes`, in one statement.
    const shape = info ? userPageShape(selectionOf(info).get('nodes')) : undefined;
    const { nodes, pageInfo, count } = await services.users.list(filter, page, newestFirst, shape);
    return new UserConnection(nodes as User[], pageInfo, count);
  }

  @Query(() => UserConnection, {
    description: 'Staff: accounts holding a privilege directly or through a role (Pryv.io admin users), in creation order.',
  })
  async staff(
    @Ctx() { services }: Context,
    @Args() page: PageArgs,
    @Arg('usernames', () => [String], { nullable: true, description: 'Only these exact usernames.' }) usernames?: string[],
  ) {
    const { nodes, pageInfo, count } = await services.users.list({ staff: true, usernames }, page);
    return new UserConnection(nodes as User[], pageInfo, count);
  }

  @FieldResolver(() => String, { description: 'The Matrix user id: @username:serverName (server name from the settings).' })
  async matrixId(@Root() user: UserRecord, @Ctx() ctx: Context) {
    return `@${user.username}:${(await ctx.settings()).serverName}`;
  }

  @FieldResolver(() => [Role])
  roles(@Root() user: UserRecord, @Ctx() { loaders }: Context) {
    return user.embedded?.roles ?? loaders.rolesByUser.load(user.id);
  }

  @FieldResolver(() => [Group])
  groups(@Root() user: UserRecord, @Ctx() { loaders }: Context) {
    return user.embedded?.groups ?? loaders.groupsByUser.load(user.id);
  }

  @FieldResolver(() => [Privilege], {
    description: 'Effective privileges: direct ∪ every role’s; ["ALL"] when ALL is held (it implies every other).',
  })
  async privileges(@Root() user: UserRecord, @Ctx() { loaders, viewer }: Context, @Info() info?: GraphQLResolveInfo) {
    // In a query (nothing changes during it) the signed-in user's own effective privileges are the ones
    // authentication read with the token, from the same rows.
    if (viewer && viewer.id === user.id && info?.operation.operation === 'query') return normalizePrivileges(viewer.privileges);
    const roles = await loaders.rolesByUser.load(user.id);
    return PrivilegeService.effective(
      user.privileges,
      roles.map((r) => r.privileges),
    );
  }

  @FieldResolver(() => Deactivation, { nullable: true, description: 'Null while the account is active.' })
  async deactivation(@Root() user: UserRecord, @Ctx() { loaders }: Context): Promise<Deactivation | null> {
    if (user.active) return null;
    const by = user.deactivatedById != null ? await loaders.userById.load(user.deactivatedById) : null;
    return { reason: user.deactivationReason ?? null, at: user.deactivatedAt ?? null, by: by as User | null };
  }

  @Mutation(() => AuthPayload, {
    description:
      'Signs in with a password; answers a bearer token. With two-factor sign-in on, answers FORBIDDEN with reason MFA_REQUIRED and `extensions.mfaChallenge` (valid 5 minutes) for verifyMfa.',
  })
  login(
    @Ctx() { services }: Context,
    @Arg('username') username: string,
    @Arg('password') password: string,
    @Arg('deviceName', () => String, { nullable: true }) deviceName?: string,
    @Arg('tokenFormat', () => TokenFormat, {
      defaultValue: TokenFormat.OPAQUE,
      description: 'JWT: an HS256 token valid 24 h whose payload carries username, privileges and Pryv.io permissions.',
    })
    tokenFormat?: TokenFormat,
    @Arg('newPassword', () => String, {
      nullable: true,
      description:
        'Sets a new password in the same step: the way in when an administrator required a password change (FORBIDDEN, reason PASSWORD_RESET_REQUIRED).',
    })
    newPassword?: string,
    @Arg('deviceId', () => String, {
      nullable: true,
      description: "The client's device id (Matrix `device_id`); one is given when absent.",
    })
    deviceId?: string,
  ) {
    return services.auth.login(username, password, deviceName, tokenFormat, newPassword, deviceId);
  }

  @Mutation(() => AuthPayload, {
    description: 'Creates an account (open, invite or closed registration, from settings) and signs it in.',
  })
  register(@Ctx() { services }: Context, @Arg('input', () => RegisterInput) input: RegisterInput) {
    return services.registration.register(input);
  }

  @Mutation(() => Boolean, { description: "Changes the caller's own password (the current one is required); every session ends." })
  changePassword(
    @Ctx() { services }: Context,
    @Arg('currentPassword') currentPassword: string,
    @Arg('newPassword') newPassword: string,
    @Arg('username', () => String, { nullable: true, description: 'When given, must name the caller (a path that names the user).' })
    _username?: string,
  ) {
    return services.users.changeOwnPassword(currentPassword, newPassword);
  }

  @Mutation(() => Boolean, { description: 'Revokes the token of this request.' })
  logout(@Ctx() { services }: Context) {
    return services.auth.logout();
  }

  @Mutation(() => [User], { description: 'Creates one or many users, all or none.' })
  createUsers(@Ctx() { services }: Context, @Arg('inputs', () => [CreateUserInput]) inputs: CreateUserInput[]) {
    return services.users.create(inputs);
  }

  @Mutation(() => User, { description: 'Changes a user named by id or username.' })
  updateUser(
    @Ctx() { services }: Context,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('username', () => String, { nullable: true }) username?: string,
  ) {
    return services.users.update(id, input, username);
  }

  @Mutation(() => [ID], { description: 'Deletes users (by ids or usernames), all or none; answers their ids.' })
  deleteUsers(
    @Ctx() { services }: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.users.delete(ids, usernames);
  }

  @Mutation(() => [User], { description: 'Activates users (by ids or usernames).' })
  activateUsers(
    @Ctx() { services }: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.users.setActive({ ids, usernames }, true);
  }

  @Mutation(() => [User], { description: 'Deactivates users (by ids or usernames) and revokes their tokens at once.' })
  deactivateUsers(
    @Ctx() { services }: Context,
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
    @Arg('reason', () => String, { nullable: true }) reason?: string,
    @Arg('resolveReports', () => Boolean, {
      defaultValue: false,
      description: 'Also resolve the open reports about these accounts, in the same transaction.',
    })
    resolveReports?: boolean,
  ) {
    return services.users.setActive({ ids, usernames }, false, reason, resolveReports);
  }

  @Mutation(() => [User], { description: 'Adds tags to users (by ids or usernames).' })
  tagUsers(
    @Ctx() { services }: Context,
    @Arg('tags', () => [String]) tags: string[],
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.users.setTags({ ids, usernames }, tags, true);
  }

  @Mutation(() => [User], { description: 'Removes tags from users (by ids or usernames).' })
  untagUsers(
    @Ctx() { services }: Context,
    @Arg('tags', () => [String]) tags: string[],
    @Arg('ids', () => [ID], { nullable: true }) ids?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.users.setTags({ ids, usernames }, tags, false);
  }

  @Mutation(() => User, { description: "Replaces, adds to or removes from a user's direct privileges (user by id or username)." })
  setUserPrivileges(
    @Ctx() { services }: Context,
    @Arg('privileges', () => [Privilege]) privileges: Privilege[],
    @Arg('mode', () => PrivilegeChangeMode, { defaultValue: PrivilegeChangeMode.REPLACE }) mode: PrivilegeChangeMode,
    @Arg('userId', () => ID, { nullable: true }) userId?: string,
    @Arg('username', () => String, { nullable: true }) username?: string,
    @Arg('within', () => [Privilege], { nullable: true, description: 'REPLACE only these privileges and keep the others.' })
    within?: Privilege[],
  ) {
    return services.privileges.set({ id: userId, username }, privileges, mode, within);
  }

  @Query(() => [Privilege], {
    description: "A user's effective privileges (the viewer's without arguments). Telodendria reads them behind GRANT_PRIVILEGES.",
  })
  userPrivileges(@Ctx() { services }: Context, @Arg('idOrUsername', () => String, { nullable: true }) idOrUsername?: string) {
    return services.users.effectivePrivileges(idOrUsername);
  }
}
