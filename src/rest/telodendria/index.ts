import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../../shared/bearer';
import type { Dialect } from '../dialect';
import { matrixError, MATRIX_ERRORS, NOT_JSON } from './errors';
import { TELODENDRIA_ROWS, telodendriaWrongMethod } from './routes';

/** The Matrix access token: `Authorization: Bearer` or `?access_token=`. */
export function matrixToken(req: FastifyRequest): string | null {
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  return bearerToken(req.headers.authorization) ?? (typeof q === 'string' && q !== '' ? q : null);
}

/**
 * Telodendria's CORS answer (the Matrix spec's too): any origin, the bearer token in a header, no
 * cookies; a preflight is 204 before any route logic.
 */
export const MATRIX_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
};
export const MATRIX_PREFLIGHT = { status: 204, headers: MATRIX_CORS };

/** Telodendria's administrator API, under `/v1` and the older unversioned prefix. */
export const telodendriaDialect: Dialect = {
  name: 'telodendria',
  entryPoint: 'MATRIX',
  prefixes: ['/_telodendria/admin/v1', '/_telodendria/admin'],
  rows: TELODENDRIA_ROWS,
  unimplemented: [],
  token: matrixToken,
  error: (e) => MATRIX_ERRORS[e.code](e),
  notFound: matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request.'),
  notImplemented: matrixError(501, 'M_UNRECOGNIZED', 'Not implemented by Gatehouse.'),
  wrongMethod: (path) => matrixError(405, 'M_UNRECOGNIZED', telodendriaWrongMethod(path)),
  badRequest: () => matrixError(400, 'M_NOT_JSON', NOT_JSON),
  cors: () => MATRIX_CORS,
  preflight: MATRIX_PREFLIGHT,
};
