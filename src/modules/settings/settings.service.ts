import type { EntityManager } from '@mikro-orm/core';
import { BadInputError } from '../../errors/errors';
import { BaseService } from '../base.service';
import { SettingsRow } from './settings.entity';
import {
  changedPaths,
  deepMerge,
  defaultSettings,
  redact,
  RESTART_KEYS,
  SettingsSchema,
  type Settings,
  type SettingsSeed,
} from './settings.schema';

export interface SettingsPayloadValue {
  settings: Record<string, unknown>;
  restartRequired: boolean;
}

/** Reads the stored document, creating it from the defaults (and environment) on first use. */
export async function loadSettings(em: EntityManager, config: SettingsSeed): Promise<{ row: SettingsRow; settings: Settings }> {
  let row = await em.findOne(SettingsRow, { id: 1 });
  if (!row) {
    row = em.create(SettingsRow, { id: 1, document: defaultSettings(config) as unknown as Record<string, unknown> });
    await em.flush();
  }
  // Keys added by later versions get their defaults; a stored document that no longer validates
  // falls back to the defaults for the parts that fail.
  const merged = deepMerge(defaultSettings(config), row.document);
  const parsed = SettingsSchema.safeParse(merged);
  return { row, settings: parsed.success ? parsed.data : defaultSettings(config) };
}

/**
 * The settings as this process last read them, for at most `ttlMs`: every request may consult them
 * (rate limits) without a query each. A write here invalidates at once; other instances see it
 * within the TTL.
 */
export class SettingsCache {
  private value: Promise<Settings> | null = null;
  private at = 0;

  constructor(private readonly ttlMs = 1000) {}

  get(load: () => Promise<Settings>): Promise<Settings> {
    if (!this.value || Date.now() - this.at > this.ttlMs) {
      this.at = Date.now();
      this.value = load().catch((err: unknown) => {
        this.value = null;
        throw err;
      });
    }
    return this.value;
  }

  invalidate(): void {
    this.value = null;
  }
}

export class SettingsService extends BaseService {
  async read(): Promise<SettingsPayloadValue> {
    const { row, settings } = await loadSettings(this.em.fork(), this.ctx.deps.config);
    return { settings: redact(settings), restartRequired: row.restartRequired };
  }

  /** Validates a whole document; errors name the path. A missing smtp.password keeps the stored one. */
  private validate(candidate: unknown, current: Settings): Settings {
    const withSecret = deepMerge(candidate, {}) as Record<string, unknown>;
    const raw = withSecret?.smtp;
    // A non-object smtp is left for the schema to refuse with its path.
    const smtp = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
    if (smtp && !('password' in smtp)) smtp.password = current.smtp.password;
    if (smtp && 'passwordSet' in smtp) delete smtp.passwordSet;
    const parsed = SettingsSchema.safeParse(withSecret);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue.path.join('.') || '(root)';
      throw new BadInputError(`Invalid settings at ${path}: ${issue.message}`, `settings.${path}`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return parsed.data;
  }

  private async write(compute: (current: Settings) => unknown, action: string): Promise<SettingsPayloadValue> {
    return this.tx(async (em) => {
      const { row, settings: current } = await loadSettings(em, this.ctx.deps.config);
      const next = this.validate(compute(current), current);
      const changed = changedPaths(current, next);
      const shown = (s: Settings) => redact(s);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const path of changed) {
        before[path] = path === 'smtp.password' ? '(secret)' : pick(shown(current), path);
        after[path] = path === 'smtp.password' ? '(secret)' : pick(shown(next), path);
      }
      row.document = next as unknown as Record<string, unknown>;
      if (changed.some((p) => RESTART_KEYS.some((k) => p === k || p.startsWith(`${k}.`)))) row.restartRequired = true;
      this.ctx.services.audit.record(em, {
        action,
        subjects: [{ type: 'settings', id: '1', name: 'settings' }],
        data: { changed, before, after },
        message: `changed settings (${changed.join(', ') || 'no changes'})`,
      });
      this.ctx.invalidateSettings();
      return { settings: redact(next), restartRequired: row.restartRequired };
    });
  }

  replace(document: unknown): Promise<SettingsPayloadValue> {
    return this.write(() => document, 'settings.replace');
  }

  patch(patch: unknown, shallow = false): Promise<SettingsPayloadValue> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new BadInputError('patch must be a JSON object.', 'patch');
    }
    return this.write((current) => {
      const merged = (shallow ? { ...current, ...patch } : deepMerge(current, patch)) as Record<string, unknown>;
      return withRegistrationSwitches(merged, current);
    }, 'settings.patch');
  }

  /** Drops this instance's cached settings so the stored document applies to the next request. */
  async apply(): Promise<Array<{ url: string; role: string }>> {
    this.ctx.invalidateSettings();
    const settings = await this.ctx.settings();
    await this.tx(async (em) => {
      this.ctx.services.audit.record(em, {
        action: 'settings.apply',
        subjects: [{ type: 'settings', id: '1', name: 'settings' }],
        message: 'applied the stored settings',
      });
    });
    return [{ url: settings.publicUrl, role: 'gatehouse' }];
  }
}

/**
 * Akkoma's two registration switches (`registrations_open`, `invites_enabled`), given as
 * `registration.open` / `registration.invites` in a patch, resolved against the stored mode: open wins,
 * else invites, else closed. A switch left out keeps what the stored mode means for it.
 */
function withRegistrationSwitches(doc: Record<string, unknown>, current: Settings): Record<string, unknown> {
  const reg = doc.registration as Record<string, unknown> | undefined;
  if (!reg || typeof reg !== 'object' || (!('open' in reg) && !('invites' in reg))) return doc;
  const { open, invites, ...rest } = reg;
  const bool = (v: unknown, name: string, fallback: boolean) => {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean')
      throw new BadInputError(`Invalid settings at registration.${name}: expected a boolean`, `settings.registration.${name}`);
    return v;
  };
  const isOpen = bool(open, 'open', current.registration.mode === 'open');
  const isInvites = bool(invites, 'invites', current.registration.mode === 'invite');
  return { ...doc, registration: { ...rest, mode: isOpen ? 'open' : isInvites ? 'invite' : 'closed' } };
}

function pick(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}
