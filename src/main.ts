#!/usr/bin/env node
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { EntityManager } from '@mikro-orm/core';
import { buildApp } from './app';
import { ConfigError, loadConfig, type Config } from './config/config';
import { createOrm } from './db/orm';
import { printSchemaSdl } from './schema';
import { ensureAdminUser, setPasswordFromCli } from './modules/auth/auth.service';
import { User } from './modules/users/user.entity';
import { ENTITIES } from './modules/entities';
import { PasswordHasher, PASSWORD_MIN_LENGTH } from './auth/passwords';
import { ensureBuiltInRoles } from './modules/roles/role.service';
import { backup, BackupError, restore } from './db/backup';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A password from standard input (one trailing newline dropped), refused when too short. */
async function passwordFromStdin(): Promise<string> {
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password.length < PASSWORD_MIN_LENGTH) throw new ConfigError(`the password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  return password;
}

/** Runs `fn` with an entity manager on the configured database (migrated unless GATEHOUSE_MIGRATE=false), then closes it. */
async function withDatabase<T>(fn: (em: EntityManager, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const orm = await createOrm(config.database, { entities: ENTITIES, migrate: config.migrate });
  try {
    return await fn(orm.em.fork(), config);
  } finally {
    await orm.close(true);
  }
}

const program = new Command().name('gatehouse').description('Gatehouse: a GraphQL admin gateway for user management and moderation');

program
  .command('serve', { isDefault: true })
  .description('serve GraphQL (and health) on HOST:PORT; migrates the database first unless GATEHOUSE_MIGRATE=false')
  .action(async () => {
    const config = loadConfig();
    const app = await buildApp(config, { onShutdown: () => process.exit(0) });
    const shutdown = async (signal: string) => {
      app.server.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
      await app.drain(config.shutdownGraceMs);
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    // Only when node runs with --expose-gc (the bench's memory soak): SIGUSR2 forces a full collection.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc === 'function') process.on('SIGUSR2', () => gc());
    await app.server.listen({ host: config.host, port: config.port });
  });

program
  .command('migrate')
  .description('apply pending migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const orm = await createOrm(config.database, { entities: ENTITIES, migrate: true });
    await orm.close(true);
    console.log('migrations applied');
  });

program
  .command('create-admin <username>')
  .description('create a user holding the built-in admin role; the password is read from standard input')
  .action(async (username: string) => {
    const password = await passwordFromStdin();
    const outcome = await withDatabase(async (em, config) => {
      await ensureBuiltInRoles(em);
      return ensureAdminUser(em, new PasswordHasher(config.argon2, 1), { username, password });
    });
    console.log(outcome === 'created' ? `created administrator ${username}` : `a user named ${username} already exists; nothing changed`);
  });

program
  .command('backup <file>')
  .description('an online backup of DATABASE_URL to a new file (SQLite: VACUUM INTO; PostgreSQL: pg_dump custom format)')
  .action(async (file: string) => {
    const config = loadConfig();
    await backup(config.database, file);
    console.log(`backed up to ${file}`);
  });

program
  .command('restore <file>')
  .description('replace the database of DATABASE_URL with a backup (stop every server first)')
  .action(async (file: string) => {
    const config = loadConfig();
    await restore(config.database, file);
    console.log(`restored from ${file}`);
  });

program
  .command('reset-password <username>')
  .description("set a user's password, read from standard input; ends the user's sessions (audited)")
  .action(async (username: string) => {
    const password = await passwordFromStdin();
    const done = await withDatabase((em, config) => setPasswordFromCli(em, new PasswordHasher(config.argon2, 1), username, password));
    if (!done) throw new ConfigError(`no user named ${username}`);
    console.log(`password of ${username} set; their sessions ended`);
  });

program
  .command('list-users')
  .description('print the users: username, active, roles, direct privileges, created (--json for one JSON array)')
  .option('--json', 'one JSON array')
  .action(async (opts: { json?: boolean }) => {
    await withDatabase(async (em) => {
      const users = await em.find(User, {}, { populate: ['roles'], orderBy: { id: 'asc' } });
      const rows = users.map((u) => ({
        username: u.username,
        active: u.active,
        roles: u.roles.getItems().map((r) => r.name),
        privileges: [...u.privileges],
        createdAt: u.createdAt.toISOString(),
      }));
      if (opts.json) console.log(JSON.stringify(rows));
      else
        for (const r of rows)
          console.log(
            [r.username, r.active ? 'active' : 'deactivated', r.roles.join(',') || '-', r.privileges.join(',') || '-', r.createdAt].join(
              '\t',
            ),
          );
    });
  });

program
  .command('emit-schema')
  .description('print schema.graphql from the code')
  .option('--out <file>', 'write to this file')
  .option('--check <file>', 'exit 1 when this file differs from the code')
  .action((opts: { out?: string; check?: string }) => {
    const sdl = printSchemaSdl();
    if (opts.check) {
      const current = readFileSync(opts.check, 'utf8');
      if (current !== sdl) {
        console.error(`${opts.check} is out of date: run npm run schema:emit and commit it.`);
        process.exit(1);
      }
      console.log(`${opts.check} is up to date.`);
    } else if (opts.out) {
      writeFileSync(opts.out, sdl);
      console.log(`wrote ${opts.out}`);
    } else {
      process.stdout.write(sdl);
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof BackupError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
