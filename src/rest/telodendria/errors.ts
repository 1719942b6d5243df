import type { ErrorTable } from '../dialect';
import type { OperationError, RestAnswer } from '../route';

/** The Matrix standard error body: both keys always present. */
export const matrixError = (status: number, errcode: string, error: string, extra: Record<string, unknown> = {}): RestAnswer => ({
  status,
  body: { errcode, error, ...extra },
});

/** Telodendria's default texts (its `MatrixErrorCreate`), where a route passes none. */
export const NOT_JSON = 'Request did not contain valid JSON.';
export const UNKNOWN_TOKEN = 'The access or refresh token specified was not recognized.';
export const MISSING_TOKEN = 'No access token was specified for the request.';

/** Row-level input problems say which Matrix code they are through `reason`. */
function inputError(e: OperationError): RestAnswer {
  if (e.extensions.reason === 'MISSING_PARAM') return matrixError(400, 'M_MISSING_PARAM', e.message);
  if (e.extensions.reason === 'BAD_JSON') return matrixError(400, 'M_BAD_JSON', e.message);
  if (e.extensions.reason === 'UNRECOGNIZED') return matrixError(400, 'M_UNRECOGNIZED', e.message);
  return matrixError(400, 'M_INVALID_PARAM', e.message);
}

/**
 * Telodendria words a missing privilege differently on each route (WIRE-FACTS §2c): a row passes its
 * own wording for a refusal by the permission map.
 */
export function privilegeRefusal(wording: (privilege: string) => string) {
  return (e: OperationError): RestAnswer | undefined =>
    e.code === 'FORBIDDEN' && e.extensions.rule !== undefined && typeof e.extensions.requiredPrivilege === 'string'
      ? matrixError(403, 'M_FORBIDDEN', wording(e.extensions.requiredPrivilege))
      : undefined;
}

/**
 * Matrix statuses as the spec has them (Telodendria's own code answers an unknown token with 400 and
 * unknown users with 400 M_INVALID_PARAM; the README lists where Gatehouse follows the spec instead).
 */
export const MATRIX_ERRORS = {
  UNAUTHENTICATED: (e) => {
    // A wrong password at login is M_FORBIDDEN in the spec; a bad token and a missing one are 401s.
    if (e.extensions.reason === 'INVALID_CREDENTIALS') return matrixError(403, 'M_FORBIDDEN', e.message);
    if (e.extensions.reason === 'INVALID_TOKEN') return matrixError(401, 'M_UNKNOWN_TOKEN', UNKNOWN_TOKEN);
    return matrixError(401, 'M_MISSING_TOKEN', MISSING_TOKEN);
  },
  FORBIDDEN: (e) =>
    matrixError(
      403,
      'M_FORBIDDEN',
      typeof e.extensions.requiredPrivilege === 'string' ? `User doesn't have the ${e.extensions.requiredPrivilege} privilege.` : e.message,
    ),
  BAD_USER_INPUT: inputError,
  NOT_FOUND: (e) => matrixError(404, 'M_NOT_FOUND', e.message),
  CONFLICT: (e) => matrixError(400, 'M_INVALID_PARAM', e.message),
  RATE_LIMITED: (e) => {
    const ms = Number(e.extensions.retryAfterMs ?? 1000);
    return {
      ...matrixError(429, 'M_LIMIT_EXCEEDED', 'Too Many Requests', { retry_after_ms: ms }),
      headers: { 'retry-after': String(Math.ceil(ms / 1000)) },
    };
  },
  INTERNAL: () => matrixError(500, 'M_UNKNOWN', 'Internal server error.'),
} satisfies ErrorTable;
