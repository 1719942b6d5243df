import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { User } from '../users/user.entity';
import { Role } from './role.entity';
import { CreateRoleInput, UpdateRoleInput } from './role.inputs';

@Resolver(() => Role)
export class RoleResolver {
  @Query(() => [Role], { description: 'Every role, by name.' })
  roles(@Ctx() { services }: Context) {
    return services.roles.list();
  }

  @Query(() => Role, { nullable: true, description: 'A role by id or by name (exactly one).' })
  role(
    @Ctx() { services }: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('name', () => String, { nullable: true }) name?: string,
  ) {
    return services.roles.get(id, name);
  }

  @Mutation(() => Role)
  createRole(@Ctx() { services }: Context, @Arg('input', () => CreateRoleInput) input: CreateRoleInput) {
    return services.roles.create(input);
  }

  @Mutation(() => Role)
  updateRole(@Ctx() { services }: Context, @Arg('id', () => ID) id: string, @Arg('input', () => UpdateRoleInput) input: UpdateRoleInput) {
    return services.roles.update(id, input);
  }

  @Mutation(() => ID, { description: 'Deletes a role by id or by name (built-in roles cannot be deleted); answers its id.' })
  async deleteRole(
    @Ctx() { services }: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('name', () => String, { nullable: true }) name?: string,
  ) {
    const role = await services.roles.get(id, name);
    return services.roles.delete(String(role.id));
  }

  @Mutation(() => [User], { description: 'Gives a role (by id or name) to users (by ids or usernames).' })
  assignRole(
    @Ctx() { services }: Context,
    @Arg('roleId', () => ID, { nullable: true }) roleId?: string,
    @Arg('roleName', () => String, { nullable: true }) roleName?: string,
    @Arg('userIds', () => [ID], { nullable: true }) userIds?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.roles.assign({ ids: userIds, usernames }, { id: roleId, name: roleName }, true);
  }

  @Mutation(() => [User], { description: 'Takes a role (by id or name) from users (by ids or usernames).' })
  unassignRole(
    @Ctx() { services }: Context,
    @Arg('roleId', () => ID, { nullable: true }) roleId?: string,
    @Arg('roleName', () => String, { nullable: true }) roleName?: string,
    @Arg('userIds', () => [ID], { nullable: true }) userIds?: string[],
    @Arg('usernames', () => [String], { nullable: true }) usernames?: string[],
  ) {
    return services.roles.assign({ ids: userIds, usernames }, { id: roleId, name: roleName }, false);
  }
}
