import type { ErrorTable } from '../dialect';
import type { RestAnswer } from '../route';

/** Pryv's error body: `{"error": {"id", "message"}}` (a superset of the config-leader's `{"error": {"message"}}`). */
export const pryvError = (status: number, id: string, message: string): RestAnswer => ({ status, body: { error: { id, message } } });

/** Domain refusals that mean "a permission is missing": upstream's 401 too. */
const PERMISSION_SHORTFALLS = new Set(['PRIVILEGE_ESCALATION', 'DELETE_TARGET']);

export const PRYV_ERRORS = {
  UNAUTHENTICATED: (e) => {
    // Unknown user and wrong password answer alike, so the login does not reveal which usernames exist.
    // Upstream's bare JSON string (the app only needs the status).
    if (e.extensions.reason === 'INVALID_CREDENTIALS') return { status: 401, body: 'Authentication failed' };
    // A missing, unknown, expired or revoked token: upstream's one answer, on which the admin app signs out.
    return pryvError(401, 'invalid-access-token', 'Invalid token');
  },
  // Upstream answers a missing permission (and a grant beyond one's own) with 401 "Insufficient
  // permissions": the app then shows a failure without signing out. Other refusals keep a 403 with their reason.
  FORBIDDEN: (e) =>
    e.extensions.rule !== undefined || PERMISSION_SHORTFALLS.has(String(e.extensions.reason))
      ? pryvError(401, 'forbidden', 'Insufficient permissions')
      : pryvError(403, 'forbidden', e.message),
  // Joi's texts go out as upstream sends them: plain text.
  BAD_USER_INPUT: (e) => (e.extensions.joi ? { status: 400, text: e.message } : pryvError(400, 'invalid-input', e.message)),
  // Upstream answers an unknown user with the bare JSON string "User alice not found".
  NOT_FOUND: (e) =>
    e.extensions.entity === 'User'
      ? { status: 404, body: `User ${String(e.extensions.id)} not found` }
      : pryvError(
          404,
          'unknown-resource',
          e.extensions.entity ? `${String(e.extensions.entity)} ${String(e.extensions.id)} not found` : e.message,
        ),
  CONFLICT: (e) => pryvError(409, 'item-already-exists', e.message),
  RATE_LIMITED: (e) => {
    const ms = Number(e.extensions.retryAfterMs ?? 1000);
    return { ...pryvError(429, 'too-many-requests', e.message), headers: { 'retry-after': String(Math.ceil(ms / 1000)) } };
  },
  INTERNAL: () => pryvError(500, 'unexpected-error', 'Unexpected error'),
} satisfies ErrorTable;
