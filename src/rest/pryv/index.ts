import type { FastifyRequest } from 'fastify';
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

function pryvDialect(name: string, prefix: string, rows: RouteRow[], unimplemented: UnimplementedRow[] = []): Dialect {
  return {
    name,
    prefixes: [prefix],
    rows,
    unimplemented,
    token: pryvToken,
    error: (e) => PRYV_ERRORS[e.code](e),
    notFound: pryvError(404, 'unknown-resource', 'Unknown resource'),
    notImplemented: pryvError(501, 'unsupported-operation', 'Not implemented by Gatehouse.'),
    badRequest: (message) => pryvError(400, 'invalid-input', message),
  };
}

/** Pryv.io's admin API (service-config-leader), mounted at the root as upstream serves it. */
export const pryvDialects: Dialect[] = [
  pryvDialect('pryv-auth', '/auth', PRYV_AUTH_ROWS),
  pryvDialect('pryv-users', '/users', PRYV_USERS_ROWS),
  pryvDialect('pryv-admin', '/admin', PRYV_ADMIN_ROWS, PRYV_ADMIN_UNIMPLEMENTED),
  pryvDialect('pryv-platform-users', '/platform-users', PRYV_PLATFORM_ROWS, PRYV_PLATFORM_UNIMPLEMENTED),
];
