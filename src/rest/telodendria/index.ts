import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../../auth/tokens';
import type { Dialect } from '../dialect';
import { matrixError, MATRIX_ERRORS } from './errors';
import { TELODENDRIA_ROWS } from './routes';

/** The Matrix access token: `Authorization: Bearer` or `?access_token=`. */
export function matrixToken(req: FastifyRequest): string | null {
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  return bearerToken(req.headers.authorization) ?? (typeof q === 'string' && q !== '' ? q : null);
}

/** Telodendria's administrator API, under `/v1` and the older unversioned prefix. */
export const telodendriaDialect: Dialect = {
  name: 'telodendria',
  prefixes: ['/_telodendria/admin/v1', '/_telodendria/admin'],
  rows: TELODENDRIA_ROWS,
  unimplemented: [],
  token: matrixToken,
  error: (e) => MATRIX_ERRORS[e.code](e),
  notFound: matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request.'),
  notImplemented: matrixError(501, 'M_UNRECOGNIZED', 'Not implemented by Gatehouse.'),
  wrongMethod: matrixError(405, 'M_UNRECOGNIZED', 'Unrecognized request method.'),
  badRequest: () => matrixError(400, 'M_NOT_JSON', 'Request body is not valid JSON.'),
};
