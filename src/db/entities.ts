import { AccessToken } from '../modules/auth/access-token.entity';
import { AuditEntry } from '../modules/audit/audit-entry.entity';
import { Group, GroupMember } from '../modules/groups/group.entity';
import { Role } from '../modules/roles/role.entity';
import { User } from '../modules/users/user.entity';
import { Invite } from '../modules/invites/invite.entity';
import { Report, ReportNote } from '../modules/reports/report.entity';
import { SettingsRow } from '../modules/settings/settings.entity';
import { OutboxMessage } from '../modules/mail/outbox.entity';
import { KvEntry } from '../modules/kv/kv.entity';
import { AccountToken } from '../modules/auth/account-token.entity';
import { ServerSecret } from '../auth/server-secret.entity';

/** Entities are listed by class (no globs): the same list works from ts-node, jest and dist/. */
export const ENTITIES = [
  User,
  Role,
  Group,
  GroupMember,
  AccessToken,
  AuditEntry,
  Invite,
  Report,
  ReportNote,
  SettingsRow,
  OutboxMessage,
  KvEntry,
  AccountToken,
  ServerSecret,
];
