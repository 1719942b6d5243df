import { IsolationLevel, type EntityManager } from '@mikro-orm/core';
import { BadInputError, UnauthenticatedError } from '../errors/errors';
import type { Context } from './context';
import type { Viewer } from '../auth/authenticate';
import { MAX_BULK } from './users/user.inputs';

/** Parses a GraphQL ID into a row id; `field` names the argument in the error. */
export function parseId(id: string | number, field = 'id'): number {
  const s = String(id);
  if (!/^[1-9]\d{0,14}$/.test(s)) throw new BadInputError(`${field} is not a valid id: ${s.slice(0, 40)}`, field);
  return Number(s);
}

export function parseIds(ids: readonly (string | number)[], field = 'ids'): number[] {
  if (ids.length === 0) throw new BadInputError(`${field} must not be empty.`, field);
  if (ids.length > MAX_BULK) throw new BadInputError(`${field} may hold at most ${MAX_BULK} items.`, field);
  return [...new Set(ids.map((id, i) => parseId(id, `${field}[${i}]`)))];
}

/** PostgreSQL's 40001 (serialization_failure) / 40P01 (deadlock), however the driver wrapped it. */
function isSerializationFailure(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (code === '40001' || code === '40P01') return true;
  }
  return /could not serialize access/i.test(String((err as Error)?.message));
}

export abstract class BaseService {
  constructor(protected readonly ctx: Context) {}

  protected get em(): EntityManager {
    return this.ctx.em;
  }

  /** The signed-in viewer; the permission map has already required one where this is called. */
  protected get viewer(): Viewer {
    if (!this.ctx.viewer) throw new UnauthenticatedError();
    return this.ctx.viewer;
  }

  /** Whether the Telodendria-style escalation setting is on (read before any transaction). */
  protected async allowEscalation(): Promise<boolean> {
    return (await this.ctx.settings()).privileges.allowEscalation;
  }

  /**
   * One transaction for a change and its audit entry. SQLite runs one writer at a time through a
   * single connection. On PostgreSQL, `serializable` is for read-then-write invariants (the last ALL
   * holder): such a transaction is retried when PostgreSQL reports a serialization conflict.
   */
  protected async tx<T>(fn: (em: EntityManager) => Promise<T>, opts: { serializable?: boolean } = {}): Promise<T> {
    if (!opts.serializable || this.ctx.deps.db.driver !== 'postgresql') return this.em.transactional(fn);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.em.transactional(fn, { isolationLevel: IsolationLevel.SERIALIZABLE });
      } catch (err) {
        if (attempt >= 5 || !isSerializationFailure(err)) throw err;
        await new Promise((r) => setTimeout(r, 5 * attempt * Math.random()));
      }
    }
  }
}
