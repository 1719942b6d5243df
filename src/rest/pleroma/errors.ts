import type { ErrorTable } from '../dialect';
import type { RestAnswer } from '../route';

/** Akkoma's error bodies: `{"error": "…"}` with a JSON content type (admin-fe's handler needs both). */
const error = (status: number, message: string): RestAnswer => ({ status, body: { error: message } });

export const PLEROMA_ERRORS = {
  // Akkoma answers 403 for anonymous callers of the admin API as well.
  UNAUTHENTICATED: () => error(403, 'Invalid credentials.'),
  // A denial by the permission map reads as Akkoma's (staff lacking a privilege: "not an admin"; anyone
  // else: "not a staff member"); a domain refusal keeps its own sentence.
  FORBIDDEN: (e) =>
    error(
      403,
      e.extensions.rule !== undefined ? (e.extensions.staff === true ? 'User is not an admin.' : 'User is not a staff member.') : e.message,
    ),
  // A parameter failing Akkoma's OpenAPI schema also lists the failure as OpenApiSpex renders it.
  BAD_USER_INPUT: (e) =>
    typeof e.extensions.pointer === 'string'
      ? {
          status: 400,
          body: {
            error: e.message,
            errors: [
              {
                title: 'Invalid value',
                source: { pointer: e.extensions.pointer },
                message: typeof e.extensions.detail === 'string' ? e.extensions.detail : e.message,
              },
            ],
          },
        }
      : error(400, e.message),
  NOT_FOUND: () => error(404, 'Not found'),
  CONFLICT: (e) => error(409, e.message),
  RATE_LIMITED: (e) => error(429, e.message),
  INTERNAL: () => error(500, 'Internal server error'),
} satisfies ErrorTable;

export const PLEROMA_NOT_FOUND = error(404, 'Not found');
export const PLEROMA_NOT_IMPLEMENTED = error(501, 'Not implemented by Gatehouse');
