import type { ApolloServer } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import type { Config } from '../config/config';
import { AppError, type ErrorCode } from '../errors/errors';
import type { Context } from '../app-deps';
import { runOperation, type Caller } from './run-operation';
import type { EntryPointName } from '../shared/entry-points';
import {
  Answer,
  type OperationError,
  type RestAnswer,
  type RestRequest,
  type RouteRow,
  type StaticRow,
  type UnimplementedRow,
} from './route';

/** A dialect: where it is mounted, its rows, how it reads a token and how it writes every error. */
export interface Dialect {
  name: string;
  /** Recorded on the sessions its sign-in routes open (dialects without one open none). */
  entryPoint?: EntryPointName;
  prefixes: string[];
  rows: RouteRow[];
  unimplemented: UnimplementedRow[];
  statics?: StaticRow[];
  token(req: FastifyRequest): string | null;
  /** One answer per catalog code (`satisfies Record<ErrorCode, …>` in each dialect). */
  error(error: OperationError): RestAnswer;
  notFound: RestAnswer;
  /** A not-found answer that depends on the method (Akkoma: GET and other methods differ). */
  notFoundFor?(method: string): RestAnswer;
  /** Headers sent with a 204 (Akkoma sends its empty answers as application/json). */
  emptyHeaders?: Record<string, string>;
  notImplemented: RestAnswer;
  /** A known path with a method no row serves (an answer, or one per path); absent = the 404 answer. */
  wrongMethod?: RestAnswer | ((path: string) => RestAnswer);
  /** Body that is not JSON, or parameters that cannot be read. */
  badRequest(message: string): RestAnswer;
  /**
   * The dialect's own CORS headers for a request (its upstream's policy), sent on every answer under its
   * prefixes; preflights (OPTIONS) answer 200 "OK" before any authentication. Absent = the server-wide policy.
   */
  cors?(req: FastifyRequest, config: Config): Record<string, string>;
  /** The answer to a preflight under the dialect's own CORS policy; absent = 200 "OK". */
  preflight?: RestAnswer;
}

export type ErrorTable = Record<ErrorCode, (e: OperationError) => RestAnswer>;

function send(reply: FastifyReply, answer: RestAnswer) {
  reply.code(answer.status);
  if (answer.headers) reply.headers(answer.headers);
  if (answer.text !== undefined) return reply.type('text/plain; charset=utf-8').send(answer.text);
  if (answer.status === 204 || answer.body === undefined) return reply.send();
  // A content type the answer names itself (nodeinfo's profile) is kept.
  if (!answer.headers?.['content-type']) reply.type('application/json; charset=utf-8');
  return reply.send(JSON.stringify(answer.body));
}

function restRequest(req: FastifyRequest): RestRequest {
  const body = req.body;
  return {
    params: (req.params ?? {}) as Record<string, string>,
    query: (req.query ?? {}) as Record<string, unknown>,
    body: body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
  };
}

/** Mounts a dialect under each of its prefixes, each in its own encapsulated context (own 404 and errors). */
export async function mountDialect(server: FastifyInstance, apollo: ApolloServer<Context>, deps: AppDeps, dialect: Dialect) {
  for (const prefix of dialect.prefixes) {
    await server.register(
      async (scope) => {
        if (dialect.cors) {
          const cors = dialect.cors;
          scope.addHook('onRequest', async (req, reply) => {
            reply.headers(cors(req, deps.config));
          });
          const answer = dialect.preflight;
          const preflight = async (_req: FastifyRequest, reply: FastifyReply) =>
            answer ? send(reply, answer) : reply.code(200).type('text/plain; charset=utf-8').send('OK');
          scope.options('/', preflight);
          scope.options('/*', preflight);
        }
        scope.setNotFoundHandler((req, reply) => send(reply, dialect.notFoundFor?.(req.method) ?? dialect.notFound));
        scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
          if (err instanceof AppError) return send(reply, dialect.error(toOperationError(err)));
          if (err.statusCode && err.statusCode < 500) return send(reply, dialect.badRequest(err.message));
          req.log.error({ err }, `${dialect.name} route failed`);
          return send(reply, dialect.error({ code: 'INTERNAL', message: 'Internal server error', extensions: {} }));
        });
        for (const chosen of dialect.rows) {
          scope.route({
            method: chosen.method,
            url: chosen.path,
            handler: async (req, reply) => {
              const rest = restRequest(req);
              const caller: Caller = {
                ip: req.ip,
                log: req.log,
                entryPoint: dialect.entryPoint ?? 'GRAPHQL',
                userAgent: req.headers['user-agent'] ?? null,
              };
              const token = chosen.token ? chosen.token(rest) : dialect.token(req);
              rest.token = token;
              let r = chosen;
              let outcome = await runOperation(apollo, deps, caller, token, r, r.variables(rest));
              if (chosen.select && !outcome.error) {
                const picked = chosen.select(rest, outcome.data);
                if (picked instanceof Answer) return send(reply, picked);
                if (picked !== chosen) {
                  r = picked;
                  outcome = await runOperation(apollo, deps, caller, token, r, r.variables(rest));
                }
              }
              if (outcome.error) return send(reply, r.onError?.(outcome.error, rest) ?? dialect.error(outcome.error));
              let extra: unknown;
              if (r.extra) {
                const more = await runOperation(
                  apollo,
                  deps,
                  caller,
                  null,
                  { operation: r.extra.operation },
                  r.extra.variables?.(rest) ?? {},
                );
                if (more.error) return send(reply, dialect.error(more.error));
                extra = more.data;
              }
              const body = r.serialize ? r.serialize(outcome.data as never, rest, extra) : outcome.data;
              if (body instanceof Answer) return send(reply, body);
              const status = r.status ?? 200;
              return send(reply, status === 204 && dialect.emptyHeaders ? { status, headers: dialect.emptyHeaders } : { status, body });
            },
          });
        }
        if (dialect.wrongMethod) {
          const methods = new Map<string, Set<string>>();
          for (const r of [...dialect.rows, ...dialect.unimplemented, ...(dialect.statics ?? [])]) {
            methods.set(r.path, (methods.get(r.path) ?? new Set()).add(r.method));
          }
          for (const [path, used] of methods) {
            const others = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => !used.has(m));
            const wrong = dialect.wrongMethod;
            const answer = typeof wrong === 'function' ? wrong(path) : wrong;
            if (others.length) scope.route({ method: [...others], url: path, handler: async (_req, reply) => send(reply, answer) });
          }
        }
        for (const s of dialect.statics ?? []) {
          scope.route({ method: s.method, url: s.path, handler: async (_req, reply) => send(reply, s.answer) });
        }
        for (const u of dialect.unimplemented) {
          scope.route({ method: u.method, url: u.path, handler: async (_req, reply) => send(reply, dialect.notImplemented) });
        }
      },
      { prefix },
    );
  }
}

function toOperationError(err: AppError): OperationError {
  const ext = err.extensions as Record<string, unknown>;
  return { code: ext.code as ErrorCode, message: err.message, extensions: ext };
}
