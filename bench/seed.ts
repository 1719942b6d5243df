/**
 * The bench dataset, written straight into a migrated SQLite file (seeding is not what is measured,
 * but its time is reported): users with roles and groups, invites, reports with notes, audit entries.
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import type { Knex } from '@mikro-orm/knex';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { DatabaseConfig } from '../src/config/config';
import { createOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { ensureBuiltInRoles } from '../src/modules/roles/role.service';

export interface DatasetSize {
  users: number;
  /** 0 = a users-only dataset (the deep keyset bench). */
  groups: number;
  invites: number;
  reports: number;
  auditEntries: number;
}

export const FULL: DatasetSize = { users: 10_000, groups: 200, invites: 2_000, reports: 5_000, auditEntries: 50_000 };

/** Inserts `count` rows built by `make(i)` in chunks small enough for SQLite's bound-variable cap. */
async function insertMany(trx: Knex.Transaction, table: string, count: number, make: (i: number) => Record<string, unknown>) {
  const first = make(0);
  const chunk = Math.max(1, Math.floor(900 / Object.keys(first).length));
  for (let i = 0; i < count; i += chunk) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + chunk); j++) rows.push(make(j));
    await trx(table).insert(rows);
  }
}

const ACTIONS = ['user.create', 'user.update', 'user.deactivate', 'report.state', 'invite.create', 'settings.patch', 'session.login'];

/**
 * Fills a new database (a SQLite file, replaced if present, or an empty PostgreSQL database) and answers
 * the seeding time in ms.
 */
export async function seedDataset(database: DatabaseConfig, size: DatasetSize): Promise<number> {
  if (database.driver === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(database.dbName + suffix, { force: true });
  const started = Date.now();
  const orm = await createOrm(database, { entities: ENTITIES, migrate: true });
  await ensureBuiltInRoles(orm.em.fork());
  const knex = (orm.em as SqlEntityManager).getKnex();
  const base = Date.now() - size.users * 1000;
  // SQLite columns hold MikroORM's epoch milliseconds, PostgreSQL's are timestamptz.
  const at = (offset: number) => (database.driver === 'sqlite' ? base + offset : new Date(base + offset));
  await knex.transaction(async (trx) => {
    await insertMany(trx, 'users', size.users, (j) => ({
      username: `user${String(j).padStart(7, '0')}`,
      email: `user${j}@bench.example`,
      display_name: `User ${j}`,
      privileges: '',
      tags: j % 10 === 0 ? ',bench,' : '',
      created_at: at(j),
      updated_at: at(j),
    }));
    if (size.groups === 0) return;
    // Users 1..n; roles: the two built-ins plus three custom ones.
    await insertMany(trx, 'roles', 3, (r) => ({
      name: `team-${r}`,
      description: `Team ${r}`,
      privileges: [',VIEW_USERS,', ',MODERATE_REPORTS,', ''][r],
      built_in: false,
      created_at: at(0),
      updated_at: at(0),
    }));
    const roleIds = ((await trx('roles').select('id')) as Array<{ id: number }>).map((r) => r.id);
    await insertMany(trx, 'user_roles', size.users, (j) => ({ user_id: j + 1, role_id: roleIds[j % roleIds.length] }));
    await insertMany(trx, 'groups', size.groups, (g) => ({
      name: `group-${g}`,
      description: `Group ${g}`,
      owner_id: g + 1,
      created_at: at(0),
      updated_at: at(0),
    }));
    // Every user in two groups.
    await insertMany(trx, 'group_members', size.users * 2, (k) => ({
      group_id: ((k * 7) % size.groups) + 1,
      user_id: (k >> 1) + 1,
      created_at: at(0),
    }));
    await insertMany(trx, 'invites', size.invites, (i) => ({
      token: `bench-invite-${i}`,
      name: `invite ${i}`,
      max_uses: i % 3 === 0 ? null : 1,
      uses: 0,
      grant_privileges: '',
      grant_role_ids: '',
      created_by_id: 1,
      created_by_username: 'user0000000',
      created_at: at(i),
    }));
    await insertMany(trx, 'reports', size.reports, (i) => ({
      reporter_id: (i % size.users) + 1,
      account_id: ((i * 13) % size.users) + 1,
      content: JSON.stringify([{ id: `status-${i}`, uri: `https://bench.example/s/${i}`, text: `reported text ${i}` }]),
      comment: `comment ${i}`,
      state: ['open', 'closed', 'resolved'][i % 3],
      created_at: at(i),
      updated_at: at(i),
    }));
    await insertMany(trx, 'report_notes', size.reports * 2, (i) => ({
      report_id: (i >> 1) + 1,
      author_id: 1,
      author_username: 'user0000000',
      content: `note ${i}`,
      created_at: at(i),
    }));
    await insertMany(trx, 'audit_entries', size.auditEntries, (i) => {
      const u = (i % size.users) + 1;
      return {
        actor_id: 1,
        actor_username: 'user0000000',
        action: ACTIONS[i % ACTIONS.length],
        subjects: JSON.stringify([{ type: 'user', id: String(u), name: `user${String(u - 1).padStart(7, '0')}` }]),
        data: null,
        message: `bench entry ${i}`,
        created_at: at(i),
      };
    });
  });
  if (database.driver === 'postgresql') await knex.raw('ANALYZE');
  await orm.close(true);
  return Date.now() - started;
}
