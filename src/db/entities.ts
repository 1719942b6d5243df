import { AccessToken } from '../auth/access-token.entity';
import { AuditEntry } from '../modules/audit/audit-entry.entity';
import { Group, GroupMember } from '../modules/groups/group.entity';
import { Role } from '../modules/roles/role.entity';
import { User } from '../modules/users/user.entity';

/** Entities are listed by class (no globs): the same list works from ts-node, jest and dist/. */
export const ENTITIES = [User, Role, Group, GroupMember, AccessToken, AuditEntry];
