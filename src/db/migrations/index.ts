import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122214409 } from './sqlite/Migration20261122214409';
import { Migration20261122214413 } from './postgresql/Migration20261122214413';
import { Migration20261122230000 } from './postgresql/Migration20261122230000';
import { Migration20261122223331 } from './sqlite/Migration20261122223331';
import { Migration20261122223335 } from './postgresql/Migration20261122223335';
import { Migration20261122231214 } from './sqlite/Migration20261122231214';
import { Migration20261122231216 } from './postgresql/Migration20261122231216';
import { Migration20261123004124 } from './sqlite/Migration20261123004124';
import { Migration20261123004130 } from './postgresql/Migration20261123004130';
import { Migration20261202060000 } from './sqlite/Migration20261202060000';
import { Migration20261202060005 } from './postgresql/Migration20261202060005';
import { Migration20261202070000 } from './sqlite/Migration20261202070000';
import { Migration20261202070005 } from './postgresql/Migration20261202070005';
import { Migration20261202071000 } from './sqlite/Migration20261202071000';
import { Migration20261202071005 } from './postgresql/Migration20261202071005';
import { Migration20261202072000 } from './sqlite/Migration20261202072000';
import { Migration20261202072005 } from './postgresql/Migration20261202072005';
import { Migration20261202080000 } from './sqlite/Migration20261202080000';
import { Migration20261202080005 } from './postgresql/Migration20261202080005';
import { Migration20261202141803 } from './sqlite/Migration20261202141803';
import { Migration20261202141804 } from './postgresql/Migration20261202141804';
import { Migration20261202183000 } from './postgresql/Migration20261202183000';

/** Migrations are listed by class so the same list runs from ts-node, jest and dist/. Add new ones at the end. */
export const SQLITE_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122214409_initial', class: Migration20261122214409 },
  { name: 'Migration20261122223331_invites_reports_settings_kv', class: Migration20261122223331 },
  { name: 'Migration20261122231214_account_tokens', class: Migration20261122231214 },
  { name: 'Migration20261123004124_server_secrets', class: Migration20261123004124 },
  { name: 'Migration20261202060000_invite_role_ids', class: Migration20261202060000 },
  { name: 'Migration20261202070000_admin_console', class: Migration20261202070000 },
  { name: 'Migration20261202071000_invite_last_use', class: Migration20261202071000 },
  { name: 'Migration20261202072000_moderation_log', class: Migration20261202072000 },
  { name: 'Migration20261202080000_device_ids', class: Migration20261202080000 },
  { name: 'Migration20261202141803_mfa_sessions', class: Migration20261202141803 },
];
export const POSTGRESQL_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122214413_initial', class: Migration20261122214413 },
  { name: 'Migration20261122230000_rate_limits', class: Migration20261122230000 },
  { name: 'Migration20261122223335_invites_reports_settings_kv', class: Migration20261122223335 },
  { name: 'Migration20261122231216_account_tokens', class: Migration20261122231216 },
  { name: 'Migration20261123004130_server_secrets', class: Migration20261123004130 },
  { name: 'Migration20261202060005_invite_role_ids', class: Migration20261202060005 },
  { name: 'Migration20261202070005_admin_console', class: Migration20261202070005 },
  { name: 'Migration20261202071005_invite_last_use', class: Migration20261202071005 },
  { name: 'Migration20261202072005_moderation_log', class: Migration20261202072005 },
  { name: 'Migration20261202080005_device_ids', class: Migration20261202080005 },
  { name: 'Migration20261202141804_mfa_sessions', class: Migration20261202141804 },
  { name: 'Migration20261202183000_unlogged_rate_limits', class: Migration20261202183000 },
];
