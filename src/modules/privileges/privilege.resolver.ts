import { Field, ObjectType, Query, Resolver } from 'type-graphql';
import { ALL_PRIVILEGES, Privilege, PRIVILEGE_DESCRIPTIONS } from './privilege.enum';

@ObjectType({ description: 'A privilege of the catalogue and what it allows.' })
class PrivilegeInfo {
  @Field(() => Privilege)
  name!: Privilege;

  @Field()
  description!: string;
}

@Resolver()
export class PrivilegeResolver {
  @Query(() => [PrivilegeInfo], { description: 'The privilege catalogue.' })
  privilegeCatalog(): PrivilegeInfo[] {
    return ALL_PRIVILEGES.map((name) => ({ name, description: PRIVILEGE_DESCRIPTIONS[name] }));
  }
}
