import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Db } from '../db/db';
import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from '../app-deps';
import { authenticate, type Viewer } from '../auth/authenticate';
import { Loaders } from './loaders';
import { Services } from './services';
import { loadSettings } from './settings/settings.service';
import type { Settings } from './settings/settings.schema';
import type { EntryPointName } from '../shared/entry-points';

export interface Context {
  viewer: Viewer | null;
  /** Set when a token was presented but is unknown, expired or belongs to a deactivated user. */
  authError: 'invalid_token' | null;
  em: EntityManager;
  db: Db;
  loaders: Loaders;
  services: Services;
  ip: string;
  log: FastifyBaseLogger;
  deps: AppDeps;
  /**
   * The settings document, read once per request on first use. Call it before opening a
   * transaction: on SQLite a read beside an open transaction would wait for its connection.
   */
  settings(): Promise<Settings>;
  /**
   * The account a login or registration in this request signed in: its own record is readable.
   * A holder object, because Apollo hands resolvers a shallow copy of the context.
   */
  signedIn: { userId: number | null };
  /** Accounts this request created: their creator may read back what they just wrote (createUsers' answer). */
  createdUserIds: Set<number>;
  /**
   * True only for the REST dialects' and the Socks router's own in-process calls (fixed, reviewed
   * documents): they skip the query-cost limits. Never set from anything a client sends.
   */
  internal: boolean;
  /** What a session opened by this request records of its client. */
  client: { entryPoint: EntryPointName; userAgent: string | null };
  invalidateSettings(): void;
}

export interface RequestInfo {
  token: string | null;
  ip: string;
  log: FastifyBaseLogger;
  internal?: boolean;
  /** The dialect whose route runs the operation (absent: the GraphQL API itself). */
  entryPoint?: EntryPointName;
  userAgent?: string | null;
}

/** The one way to learn who calls: used by /graphql, the REST rows and the WebSocket router alike. */
export async function buildContext(deps: AppDeps, req: RequestInfo): Promise<Context> {
  const db = deps.db;
  const auth = req.token ? await authenticate(db, req.token, req.log, deps.jwt) : null;
  const viewer = auth ?? null;
  const loaders = new Loaders(db);
  let settings: Promise<Settings> | null = null;
  const fields: Omit<Context, 'em'> & { lazyEm: LazyEm } = {
    lazyEm: new LazyEm(deps.orm),
    viewer,
    authError: req.token && !viewer ? 'invalid_token' : null,
    db,
    loaders,
    ip: req.ip,
    log: req.log,
    deps,
    services: undefined as unknown as Services,
    signedIn: { userId: null },
    createdUserIds: new Set(),
    internal: req.internal === true,
    client: { entryPoint: req.entryPoint ?? 'GRAPHQL', userAgent: req.userAgent ?? null },
    settings: () => (settings ??= deps.settingsCache.get(() => loadSettings(deps.orm.em.fork(), deps.config).then((r) => r.settings))),
    invalidateSettings: () => {
      settings = null;
      deps.settingsCache.invalidate();
    },
  };
  const ctx = Object.assign(Object.create(CONTEXT_PROTO), fields) as Context;
  ctx.services = new Services(ctx);
  return ctx;
}

/** The request's EntityManager, forked on first use: reads run plain SQL and never need one. */
class LazyEm {
  private em: EntityManager | null = null;
  constructor(private readonly orm: MikroORM) {}
  get(): EntityManager {
    return (this.em ??= this.orm.em.fork());
  }
}

/**
 * `em` is a getter on the prototype, so Apollo's shallow copy of the context (Object.create of the
 * prototype + Object.assign) keeps it lazy and shares the one fork through `lazyEm`.
 */
const CONTEXT_PROTO = Object.create(Object.prototype, {
  em: {
    get(this: { lazyEm: LazyEm }) {
      return this.lazyEm.get();
    },
  },
}) as object;
