import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { OperationExecutor } from './graphql/executor';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { Metrics, metricsAllowed } from './observability/metrics';
import { mountExplorer } from './explorer';
import { openApiDocument } from './rest/openapi';
import { ENTITIES } from './modules/entities';
import { API_DOCUMENTS } from './rest/documents';
import { VERSION } from './modules/process/process.service';

import type { AppDeps } from './app-deps';
import { JwtSigner, loadJwtSecret, loadServerSecret } from './auth/jwt';
import { SecretBox } from './auth/secret-box';
import { ensureAdminUser } from './modules/auth/auth.service';
import { PasswordHasher } from './auth/passwords';
import { RateLimits, type LimiterStore } from './auth/rate-limits';
import { bearerToken } from './auth/tokens';
import type { Config } from './config/config';
import { Db } from './db/db';
import { createOrm, sqliteReadPool } from './db/orm';
import { SqliteReader } from './db/sqlite-reader';
import { PgReader } from './db/pg-reader';
import { createFormatError } from './errors/format-error';
import { buildContext, type Context } from './modules/context';
import { QUERY_LIMITS } from './graphql/limits';
import { badRequest, documentLiteralProblem, inputProblem, queryLimitErrors } from './graphql/request-guard';
import { buildSchema } from './schema';
import { ensureBuiltInRoles } from './modules/roles/role.service';
import { loadSettings, SettingsCache } from './modules/settings/settings.service';
import { RateLimitedError } from './errors/errors';
import { mountDialect } from './rest/dialect';
import { mountSocks } from './rest/socks';
import formbody from '@fastify/formbody';
import type { Lifecycle } from './modules/process/process.service';

/** Apollo Sandbox runs from this origin; it must be able to reach /graphql. */
export const SANDBOX_ORIGIN = 'https://studio.apollographql.com';

export interface App {
  server: FastifyInstance;
  apollo: ApolloServer<Context>;
  deps: AppDeps;
  /**
   * The first step of a graceful stop: for `ms`, /healthz answers 503 (load balancers stop routing here)
   * and every answer carries `Connection: close`, so clients leave their kept-alive connections before
   * the listener closes (instead of racing a request onto a connection the server is closing).
   */
  drain(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface BuildAppOptions {
  /** An ORM to reuse (tests share one in-memory database across apps). */
  orm?: MikroORM;
  logger?: boolean;
  /** Where log lines go instead of stdout (tests that read the log). */
  logStream?: NodeJS.WritableStream;
  /** Called once the app has closed after a `shutdown` request (main.ts exits the process). */
  onShutdown?: () => void | Promise<void>;
  /** Replaces what restart/shutdown do (tests that must keep the server up). */
  lifecycle?: Partial<Lifecycle>;
}

/** Query parameters that carry a credential (Matrix `?access_token=`): never written to a log. */
const SECRET_QUERY_PARAMS = /([?&](?:access_token|token|password)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[Redacted]');
}

/** Fastify's request log fields, with credentials in the query string redacted. */
function serializeRequest(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

function limiterStore(config: Config, db: Db): { store: LimiterStore; redis?: Redis } {
  if (config.redisUrl) {
    const redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    return { store: { kind: 'redis', client: redis, prefix: config.redisPrefix }, redis };
  }
  if (db.driver === 'postgresql') return { store: { kind: 'postgres', knex: db.knex } };
  return { store: { kind: 'memory' } };
}

/** Wires storage, schema and HTTP. Does not listen: main.ts does, tests use inject() or listen(0). */
export async function buildApp(config: Config, opts: BuildAppOptions = {}): Promise<App> {
  const server = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: { req: serializeRequest },
            ...(opts.logStream ? { stream: opts.logStream } : {}),
          },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // While draining, a request already on a kept-alive connection is served (with Connection: close)
    // rather than refused with 503: the database stays open until the last one has answered.
    return503OnClosing: false,
  });
  const log = server.log;
  // An empty body sent as JSON (a DELETE from a client that always sets Content-Type) is no body, as
  // Express's body-parser treats it; anything else goes through Fastify's own parser (with its
  // __proto__ and constructor poisoning checks).
  const jsonParser = server.getDefaultJsonParser('error', 'error');
  server.removeContentTypeParser('application/json');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || body.length === 0) return done(null, undefined);
    return jsonParser(req, String(body), done);
  });
  const orm = opts.orm ?? (await createOrm(config.database, { entities: ENTITIES, migrate: config.migrate }));
  const writer = (orm.em as SqlEntityManager).getKnex();
  // Hot reads on a SQLite file go through their own small pool: in WAL mode readers do not wait for the
  // single writer connection the ORM keeps (an in-memory database exists on one connection only).
  const readPool =
    config.database.driver === 'sqlite' && config.database.dbName !== ':memory:' ? sqliteReadPool(config.database.dbName) : null;
  const reader =
    readPool && config.database.driver === 'sqlite'
      ? new SqliteReader(config.database.dbName)
      : config.database.driver === 'postgresql'
        ? new PgReader(config.database.clientUrl)
        : undefined;
  const db = new Db(readPool ?? writer, config.database.driver, writer, reader);
  const { store, redis } = limiterStore(config, db);
  const jwt = new JwtSigner(await loadJwtSecret(orm.em.fork(), config.jwtSecret));
  const secretBox = new SecretBox(await loadServerSecret(orm.em.fork(), 'mfa', config.mfaEncryptionKey));
  const hasher = new PasswordHasher(config.argon2, config.hashConcurrency);
  const pool = (k: unknown) => (k as { client?: { pool?: never } } | undefined)?.client?.pool;
  const metrics = new Metrics({
    hashQueue: () => hasher.queue(),
    pools: { writer: pool(writer), reader: readPool ? pool(readPool) : undefined },
  });
  const deps: AppDeps = {
    jwt,
    secretBox,
    metrics,
    buildContext: (req) => buildContext(deps, req),
    config,
    orm,
    db,
    hasher,
    rateLimits: new RateLimits(store, (limiter) => metrics.rateLimited.inc({ limiter })),
    settingsCache: new SettingsCache(),
    log,
    lifecycle: {
      restart: async () => {
        deps.rateLimits.clear();
        log.info('restarted in process: settings re-read, rate limiters rebuilt');
      },
      shutdown: async () => {
        log.info('shutting down on request');
        await app.close();
        await opts.onShutdown?.();
      },
      ...opts.lifecycle,
    },
  };

  const em = orm.em.fork();
  await ensureBuiltInRoles(em);
  await loadSettings(em, config);
  if (config.admin) {
    const outcome = await ensureAdminUser(em, deps.hasher, config.admin);
    log.info({ username: config.admin.username, outcome }, 'GATEHOUSE_ADMIN checked');
  }

  // One budget of operations per caller (signed-in user, else address), for every entry point.
  const apiRateLimit: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          const { api } = (await contextValue.settings()).rateLimits;
          const caller = contextValue.viewer ? `user:${contextValue.viewer.id}` : `addr:${contextValue.ip}`;
          try {
            await deps.rateLimits.consume([[{ keyPrefix: 'api', points: api.perCaller, durationSeconds: api.windowSeconds }, caller]]);
          } catch (err) {
            if (err instanceof RateLimitedError) err.extensions.http = { status: 429 };
            throw err;
          }
        },
      };
    },
  };

  // Every request from outside is held to the query limits; every request's variables and literals to
  // what no input may hold (NUL, deep nesting). Both answer 400 before any resolver runs.
  const requestGuard: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async didResolveOperation({ contextValue, document, request, schema }) {
          const problem = inputProblem(request.variables ?? null) ?? documentLiteralProblem(document);
          if (problem) throw badRequest(problem);
          if (contextValue.internal) return;
          const [limit] = queryLimitErrors(schema, document);
          if (limit) throw badRequest(limit.message);
        },
        // A RATE_LIMITED error from a resolver (login, register, reports, kv) answers 429 like the API limit.
        async willSendResponse({ response, contextValue, operationName }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          for (const e of errors) metrics.errors.inc({ code: String(e.extensions?.code ?? 'INTERNAL') });
          // Requests to /graphql from outside; the dialects' own operations are counted by their route.
          if (!contextValue.internal) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            metrics.observe('graphql', operationName ?? 'anonymous', errors.length ? 'error' : 'ok', seconds);
          }
          if (response.body.singleResult.errors?.some((e) => e.extensions?.code === 'RATE_LIMITED')) response.http.status = 429;
        },
      };
    },
  };

  const plugins: ApolloServerPlugin<Context>[] = [
    apiRateLimit,
    requestGuard,
    fastifyApolloDrainPlugin(server),
    // Cache hints are unused (no CDN or response cache) and the plugin wraps every field resolver.
    ApolloServerPluginCacheControlDisabled(),
    ApolloServerPluginInlineTraceDisabled(),
    config.production
      ? ApolloServerPluginLandingPageDisabled()
      : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
  ];
  const executor = new OperationExecutor(buildSchema(), config.graphqlExecutor === 'compiled', (path) => metrics.executions.inc({ path }));
  const apollo = new ApolloServer<Context>({
    // The executable schema comes through the executor (Apollo's gateway interface is how it takes one).
    gateway: executor.gateway(),
    plugins,
    introspection: !config.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handler would stop it behind our back and re-raise the
    // signal, killing the process before in-flight requests finish and the database closes.
    stopOnTerminationSignals: false,
    hideSchemaDetailsFromClientErrors: true,
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(log),
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
  });
  await apollo.start();

  // Dialects with their upstream's own CORS policy (Pryv.io, Telodendria and Matrix) answer for their prefixes themselves.
  const dialects = API_DOCUMENTS.flatMap((d) => d.dialects);
  const ownCors = dialects.filter((d) => d.cors).flatMap((d) => d.prefixes);
  const hasOwnCors = (url: string) => ownCors.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
  const serverCors = {
    origin: [SANDBOX_ORIGIN, ...config.corsOrigins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'],
    maxAge: 600,
  };
  await server.register(cors, {
    delegator: (req, cb) => cb(null, hasOwnCors(req.url ?? '') ? { origin: false } : serverCors),
  });

  const contextFor = (req: FastifyRequest) =>
    buildContext(deps, { token: bearerToken(req.headers.authorization), ip: req.ip, log: req.log, userAgent: req.headers['user-agent'] });

  await server.register(fastifyApollo(apollo), { path: '/graphql', context: contextFor });

  await server.register(formbody);
  for (const dialect of dialects) await mountDialect(server, apollo, deps, dialect);
  await mountSocks(server, apollo, deps);

  // REST rows, counted by their row (method and path pattern); GraphQL and Socks count themselves.
  const UNCOUNTED = new Set(['/graphql', '/metrics', '/healthz', '/socks', '/explorer', '/explorer/assets/:name']);
  // Callback-style hooks (here and below): an async one costs every request a promise and its ticks.
  server.addHook('onResponse', (req, reply, done) => {
    const url = req.routeOptions.url;
    if (url === undefined || !UNCOUNTED.has(url)) {
      metrics.observe(
        'rest',
        url === undefined ? 'unmatched' : `${req.method} ${url}`,
        reply.statusCode >= 400 ? 'error' : 'ok',
        reply.elapsedTime / 1000,
      );
    }
    done();
  });
  if (config.explorer) mountExplorer(server);
  const openApi = new Map(API_DOCUMENTS.map((d) => [`${d.name}.json`, openApiDocument(d, VERSION)]));
  server.get<{ Params: { file: string } }>('/openapi/:file', async (req, reply) => {
    const document = openApi.get(req.params.file);
    if (!document) return reply.code(404).send({ error: 'Not found', documents: [...openApi.keys()].map((k) => `/openapi/${k}`) });
    return document;
  });
  server.get('/metrics', async (req, reply) => {
    if (!metricsAllowed(config.metrics, { ip: req.ip, authorization: req.headers.authorization })) {
      return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden\n');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  let draining = false;
  server.addHook('onRequest', (_req, reply, done) => {
    if (draining) reply.header('connection', 'close');
    done();
  });
  server.get('/healthz', async (_req, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining' });
    try {
      await db.knex.raw('select 1');
      return { status: 'ok' };
    } catch (err) {
      log.error({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  let closed = false;
  const app: App = {
    server,
    apollo,
    deps,
    async drain(ms: number) {
      draining = true;
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    },
    async close() {
      if (closed) return;
      closed = true;
      // Keep-alive connections that turn idle after close() began (the one carrying a shutdown
      // request, say) would hold it open until their timeout: close each as soon as it is idle,
      // while requests still in flight finish.
      const reaper = setInterval(() => server.server.closeIdleConnections(), 50);
      try {
        await server.close();
      } finally {
        clearInterval(reaper);
      }
      await apollo.stop().catch(() => undefined);
      redis?.disconnect();
      await readPool?.destroy();
      await reader?.close();
      if (!opts.orm) await orm.close(true);
    },
  };
  return app;
}
