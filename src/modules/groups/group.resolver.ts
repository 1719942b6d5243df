import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import type { GroupRecord } from '../loaders';
import { PageArgs } from '../../graphql/pagination';
import { User } from '../users/user.entity';
import { Group } from './group.entity';
import { CreateGroupInput, GroupFilter, UpdateGroupInput } from './group.inputs';
import { GroupConnection } from './group.types';

@Resolver(() => Group)
export class GroupResolver {
  @Query(() => GroupConnection)
  async groups(
    @Ctx() { services }: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => GroupFilter, { nullable: true }) filter?: GroupFilter,
  ) {
    const { nodes, pageInfo, count } = await services.groups.list(filter, page);
    return new GroupConnection(nodes as unknown as Group[], pageInfo, count);
  }

  @Query(() => Group, { nullable: true })
  group(@Ctx() { services }: Context, @Arg('id', () => ID) id: string) {
    return services.groups.get(id);
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() group: GroupRecord, @Ctx() { loaders }: Context) {
    return group.ownerId == null ? null : loaders.userById.load(group.ownerId);
  }

  @FieldResolver(() => [User])
  members(@Root() group: GroupRecord, @Ctx() { loaders }: Context) {
    return loaders.membersByGroup.load(group.id);
  }

  @FieldResolver(() => Int)
  async memberCount(@Root() group: GroupRecord, @Ctx() { loaders }: Context) {
    return (await loaders.membersByGroup.load(group.id)).length;
  }

  @Mutation(() => Group, { description: 'Creates a group; the caller becomes its owner and first member.' })
  createGroup(@Ctx() { services }: Context, @Arg('input', () => CreateGroupInput) input: CreateGroupInput) {
    return services.groups.create(input);
  }

  @Mutation(() => Group)
  updateGroup(
    @Ctx() { services }: Context,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateGroupInput) input: UpdateGroupInput,
  ) {
    return services.groups.update(id, input);
  }

  @Mutation(() => ID)
  deleteGroup(@Ctx() { services }: Context, @Arg('id', () => ID) id: string) {
    return services.groups.delete(id);
  }

  @Mutation(() => Group, {
    description: 'Creates the group (caller as owner and member), or changes the description of the group of that name.',
  })
  upsertGroup(@Ctx() { services }: Context, @Arg('input', () => CreateGroupInput) input: CreateGroupInput) {
    return services.groups.upsert(input);
  }

  @Mutation(() => Group, { description: 'Adds users (by ids or usernames) to a group (by id or name).' })
  async addGroupMembers(
    @Ctx() { services }: Context,
    @Arg('groupId', () => ID, { nullable: true }) groupId?: string,
    @Arg('userIds', () => [ID], { nullable: true }) userIds?: string[],
    @Arg('groupName', () => String, { nullable: true }) groupName?: string,
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return this.change(services, true, groupId, userIds, groupName, usernames);
  }

  @Mutation(() => Group, { description: 'Removes users (by ids or usernames) from a group (by id or name).' })
  async removeGroupMembers(
    @Ctx() { services }: Context,
    @Arg('groupId', () => ID, { nullable: true }) groupId?: string,
    @Arg('userIds', () => [ID], { nullable: true }) userIds?: string[],
    @Arg('groupName', () => String, { nullable: true }) groupName?: string,
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return this.change(services, false, groupId, userIds, groupName, usernames);
  }

  private async change(
    services: Context['services'],
    add: boolean,
    groupId?: string,
    userIds?: string[],
    groupName?: string,
    usernames?: string[],
  ) {
    const group = await services.groups.resolve(groupId, groupName);
    const ids = await services.users.resolveRefs(userIds, usernames);
    return services.groups.changeMembers(group, ids.map(String), add);
  }
}
