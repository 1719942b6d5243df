import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/config';
import type { Dialect } from '../dialect';
import type { RouteRow, UnimplementedRow } from '../route';
import { PRYV_ERRORS, pryvError } from './errors';
import {
  PRYV_ADMIN_ROWS,
  PRYV_ADMIN_UNIMPLEMENTED,
  PRYV_AUTH_ROWS,
  PRYV_PLATFORM_ROWS,
  PRYV_PLATFORM_UNIMPLEMENTED,
  PRYV_USERS_ROWS,
} from './routes';

/** The token in `Authorization`, raw (as the admin app sends it) or after `Bearer `. */
export function pryvToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const token = h.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? null : token;
}

/**
 * service-config-leader's CORS, header for header: the caller's Origin echoed (`*` without one), the
 * requested method and the `access-control-allow-headers` request header (sic) echoed, credentials and a
 * year's max-age. PRYV_CORS_ORIGINS narrows the echoed origins (default `*`, as upstream); Pryv's admin
 * API authenticates by a header the page sets, never by cookies, so no ambient credential is exposed.
 */
export function pryvCors(req: FastifyRequest, config: Config): Record<string, string> {
  const origin = req.headers.origin;
  const allowed = config.pryvCorsOrigins.includes('*') || (origin !== undefined && config.pryvCorsOrigins.includes(origin));
  if (!allowed) return {};
  const method = req.headers['access-control-request-method'];
  const headers = req.headers['access-control-allow-headers'];
  return {
    'access-control-allow-origin': origin ?? '*',
    'access-control-allow-methods': typeof method === 'string' ? method : 'POST, GET, PUT, OPTIONS, DELETE',
    'access-control-allow-headers': typeof headers === 'string' ? headers : 'Authorization, Content-Type',
    'access-control-max-age': '31536000',
    'access-control-allow-credentials': 'true',
    ...(origin !== undefined ? { vary: 'Origin' } : {}),
  };
}

function pryvDialect(name: string, prefix: string, rows: RouteRow[], unimplemented: UnimplementedRow[] = []): Dialect {
  return {
    name,
    entryPoint: 'PRYV',
    prefixes: [prefix],
    rows,
    unimplemented,
    token: pryvToken,
    error: (e) => PRYV_ERRORS[e.code](e),
    notFound: pryvError(404, 'unknown-resource', 'Unknown resource'),
    notImplemented: pryvError(501, 'unsupported-operation', 'Not implemented by Gatehouse.'),
    badRequest: (message) => pryvError(400, 'invalid-input', message),
    cors: pryvCors,
  };
}

/** Pryv.io's admin API (service-config-leader), mounted at the root as upstream serves it. */
export const pryvDialects: Dialect[] = [
  pryvDialect('pryv-auth', '/auth', PRYV_AUTH_ROWS),
  pryvDialect('pryv-users', '/users', PRYV_USERS_ROWS),
  pryvDialect('pryv-admin', '/admin', PRYV_ADMIN_ROWS, PRYV_ADMIN_UNIMPLEMENTED),
  pryvDialect('pryv-platform-users', '/platform-users', PRYV_PLATFORM_ROWS, PRYV_PLATFORM_UNIMPLEMENTED),
];
