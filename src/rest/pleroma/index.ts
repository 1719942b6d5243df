import { bearerToken } from '../../shared/bearer';
import type { Dialect } from '../dialect';
import { PLEROMA_ERRORS, PLEROMA_NOT_FOUND, PLEROMA_NOT_IMPLEMENTED } from './errors';
import { PLEROMA_ROWS, PLEROMA_UNIMPLEMENTED } from './routes';

/** Akkoma/Pleroma admin API, under the current and the pre-3.6 prefix. */
export const pleromaDialect: Dialect = {
  name: 'pleroma',
  entryPoint: 'PLEROMA',
  prefixes: ['/api/v1/pleroma/admin', '/api/pleroma/admin'],
  rows: PLEROMA_ROWS,
  unimplemented: PLEROMA_UNIMPLEMENTED,
  token: (req) => bearerToken(req.headers.authorization),
  error: (e) => PLEROMA_ERRORS[e.code](e),
  notFound: PLEROMA_NOT_FOUND,
  // Akkoma: an unknown GET under /api is its fallback's 404 "Not implemented"; other methods, Phoenix's.
  notFoundFor: (method) =>
    method === 'GET' || method === 'HEAD'
      ? { status: 404, body: { error: 'Not implemented' } }
      : { status: 404, body: { errors: { detail: 'Page not found' } } },
  emptyHeaders: { 'content-type': 'application/json; charset=utf-8' },
  notImplemented: PLEROMA_NOT_IMPLEMENTED,
  badRequest: (message) => ({ status: 400, body: { error: message } }),
};
