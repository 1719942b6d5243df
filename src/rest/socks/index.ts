import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppDeps } from '../../app-deps';
import { bearerToken } from '../../shared/bearer';
import type { Context } from '../../app-deps';
import * as ops from '../operations/__generated__/operations';
import { runOperation, type Caller as RunCaller } from '../run-operation';
import { MESSAGES, SocksInputError, type MessageRow, type SocksSession } from './messages';

/** Messages larger than this answer KO; frames beyond MAX_FRAME are refused by the WebSocket layer itself. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
const MAX_FRAME_BYTES = 1024 * 1024;
/** Per connection: a burst of 20 messages, refilled at 20 per second. */
const MESSAGES_PER_SECOND = 20;

export interface SocksReply {
  type: number | null;
  data: Record<string, unknown> & { status: 'OK' | 'KO' };
}

const BY_TYPE = new Map(MESSAGES.map((m) => [m.type, m]));
const ko = (type: number | null, error: string): SocksReply => ({ type, data: { status: 'KO', error } });

interface Caller {
  apollo: ApolloServer<Context>;
  deps: AppDeps;
  req: RunCaller;
}

/** Reads a message envelope: an object with an integer `type` and an object `data` (absent = {}). */
function envelope(input: unknown): { type: number; data: Record<string, unknown> } | { error: string; type: number | null } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { error: 'A message is a JSON object {"type": N, "data": {...}}.', type: null };
  const { type, data } = input as { type?: unknown; data?: unknown };
  if (typeof type !== 'number' || !Number.isInteger(type)) return { error: 'type must be an integer.', type: null };
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data)))
    return { error: 'data must be an object.', type };
  return { type, data: (data ?? {}) as Record<string, unknown> };
}

/**
 * Handles one message for a session: validate, run the type's GraphQL operation with the session's
 * token, answer OK with the reply fields or KO with the error text. Never throws.
 */
export async function handleMessage(
  caller: Caller,
  session: SocksSession,
  input: unknown,
  opts: { revealToken?: boolean } = {},
): Promise<SocksReply> {
  const started = process.hrtime.bigint();
  const reply = await answerMessage(caller, session, input, opts);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  caller.deps.metrics.observe(
    'socks',
    reply.type !== null && BY_TYPE.has(reply.type) ? String(reply.type) : 'unknown',
    reply.data.status === 'OK' ? 'ok' : 'error',
    seconds,
  );
  return reply;
}

async function answerMessage(caller: Caller, session: SocksSession, input: unknown, opts: { revealToken?: boolean }): Promise<SocksReply> {
  const env = envelope(input);
  if ('error' in env) return ko(env.type, env.error);
  const base = BY_TYPE.get(env.type);
  if (!base) return ko(env.type, `Unknown message type ${env.type}.`);
  const parsed = base.data.safeParse(env.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return ko(env.type, `${issue.path.join('.') || 'data'}: ${issue.message}`);
  }
  const row: MessageRow = base.select?.(parsed.data) ?? base;
  try {
    if (row.needsUsername && session.token && !session.username) {
      const who = await runOperation(caller.apollo, caller.deps, caller.req, session.token, { operation: ops.SocksViewerDocument }, {});
      session.username = who.data?.viewer?.username ?? null;
    }
    const variables = row.variables(parsed.data, session);
    const outcome = await runOperation(caller.apollo, caller.deps, caller.req, session.token, row, variables);
    if (outcome.error) return ko(env.type, outcome.error.message);
    const result = outcome.data;
    const data: SocksReply['data'] = { status: 'OK', ...row.reply(result, parsed.data) };
    const signed = row.signIn?.(result);
    if (signed) {
      // The connection now acts as this user; a previous sign-in on it ends.
      if (session.token && session.token !== signed.token) await revoke(caller, session.token);
      session.token = signed.token;
      session.username = signed.username;
      if (opts.revealToken) data.token = signed.token;
    }
    return { type: env.type, data };
  } catch (err) {
    if (err instanceof SocksInputError) return ko(env.type, err.message);
    caller.req.log.error({ err, type: env.type }, 'socks message failed');
    return ko(env.type, 'Internal server error.');
  }
}

/** An Origin header names this server itself or one of the configured origins (exact match). */
export function originAllowed(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Sessions opened by 300/301 record SOCKS as their entry point. */
function socksCaller(req: { ip: string; log: FastifyBaseLogger; headers: Record<string, string | string[] | undefined> }): RunCaller {
  const agent = req.headers['user-agent'];
  return { ip: req.ip, log: req.log, entryPoint: 'SOCKS', userAgent: typeof agent === 'string' ? agent : null };
}

async function revoke(caller: Caller, token: string) {
  await runOperation(caller.apollo, caller.deps, caller.req, token, { operation: ops.SocksLogoutDocument }, {}).catch(() => undefined);
}

/**
 * The Socks message protocol: WebSocket `/socks` (a session per connection, bound by 300/301) and
 * `POST /socks` (one message per request, session by `Authorization: Bearer`; 300/301 answer the token).
 */
export async function mountSocks(server: FastifyInstance, apollo: ApolloServer<Context>, deps: AppDeps) {
  const idleMs = deps.config.socksIdleSeconds * 1000;
  const limiter = new RateLimiterMemory({ keyPrefix: 'socks', points: MESSAGES_PER_SECOND, duration: 1 });

  await server.register(async (scope) => {
    await scope.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });

    scope.route({
      method: 'GET',
      url: '/socks',
      // A browser page may open the socket only from an allowed origin (CORS_ORIGINS, or this host's own):
      // otherwise any site a signed-in operator visits could drive the protocol. Non-browser clients send no Origin.
      preValidation: async (req, reply) => {
        const origin = req.headers.origin;
        if (origin === undefined || originAllowed(origin, req.headers.host, deps.config.corsOrigins)) return;
        req.log.warn({ origin }, 'socks connection refused: origin not allowed');
        return reply.code(403).send(ko(null, 'Origin not allowed.'));
      },
      // A plain GET (no Upgrade header) learns what to do instead of a bare 404.
      handler: async (_req, reply) =>
        reply.code(426).header('upgrade', 'websocket').send(ko(null, 'Connect with a WebSocket, or POST one message to /socks.')),
      wsHandler: (socket, req) => {
        const caller: Caller = { apollo, deps, req: socksCaller(req) };
        const session: SocksSession = { token: null, username: null };
        const id = randomUUID();
        let queue: Promise<void> = Promise.resolve();
        let idle: NodeJS.Timeout;
        const touch = () => {
          clearTimeout(idle);
          idle = setTimeout(() => socket.close(4000, 'Idle timeout'), idleMs);
        };
        const send = (reply: SocksReply) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
        };
        touch();

        socket.on('message', (raw: Buffer, isBinary: boolean) => {
          touch();
          const size = raw.length;
          // Replies keep the order of the messages: each waits for the one before it.
          queue = queue.then(async () => {
            let input: unknown;
            let text = '';
            if (size > MAX_MESSAGE_BYTES) return send(ko(null, `Message too large (at most ${MAX_MESSAGE_BYTES} bytes).`));
            try {
              text = isBinary ? raw.toString('utf8') : raw.toString();
              input = JSON.parse(text);
            } catch {
              return send(ko(null, 'Malformed JSON.'));
            }
            try {
              await limiter.consume(id);
            } catch (e) {
              const ms = e instanceof RateLimiterRes ? e.msBeforeNext : 1000;
              const type = envelope(input);
              return send(ko('type' in type ? type.type : null, `Too many messages; retry in ${ms} ms.`));
            }
            send(await handleMessage(caller, session, input));
          });
        });
        socket.on('close', () => {
          clearTimeout(idle);
          void limiter.delete(id).catch(() => undefined);
          // The connection's session ends with it.
          const token = session.token;
          session.token = null;
          if (token) queue = queue.then(() => revoke(caller, token));
        });
        socket.on('error', (err) => req.log.warn({ err }, 'socks connection error'));
      },
    });

    scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      // Unparseable bodies and oversize requests still answer in the protocol.
      const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err }, 'socks request failed');
      return reply.code(status).send(ko(null, status === 500 ? 'Internal server error.' : err.message));
    });

    scope.post('/socks', { bodyLimit: MAX_MESSAGE_BYTES }, async (req, reply) => {
      const session: SocksSession = { token: bearerToken(req.headers.authorization), username: null };
      const out = await handleMessage({ apollo, deps, req: socksCaller(req) }, session, req.body, { revealToken: true });
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(out));
    });
  });
}
