import { AccessToken } from './auth/access-token.entity';
import { AuditEntry } from './audit/audit-entry.entity';
import { Group, GroupMember } from './groups/group.entity';
import { Role } from './roles/role.entity';
import { User } from './users/user.entity';
import { Invite } from './invites/invite.entity';
import { Report, ReportNote } from './reports/report.entity';
import { SettingsRow } from './settings/settings.entity';
import { OutboxMessage } from './mail/outbox.entity';
import { KvEntry } from './kv/kv.entity';
import { AccountToken } from './auth/account-token.entity';
import { ServerSecret } from '../auth/server-secret.entity';
import { MfaChallenge, MfaRecoveryCode, UserMfa } from './auth/mfa.entity';

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
  UserMfa,
  MfaRecoveryCode,
  MfaChallenge,
];
