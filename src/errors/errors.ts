import { GraphQLError } from 'graphql';

/** The one error-code catalog (DESIGN.md §4). Clients, tests and dialects switch on these, never on text. */
export const ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Base of every error Gatehouse means a client to see: a message and a catalog code. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required.', extensions: Record<string, unknown> = {}) {
    super('UNAUTHENTICATED', message, extensions);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.', extensions: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, extensions);
  }
}

export class BadInputError extends AppError {
  /** `field` is the argument path the client got wrong, e.g. `input.email` or `ids[2]`. */
  constructor(message: string, field?: string, extensions: Record<string, unknown> = {}) {
    super('BAD_USER_INPUT', message, field ? { ...extensions, field } : extensions);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string | number) {
    super('NOT_FOUND', `${entity} not found: ${id}`, { entity, id: String(id) });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('CONFLICT', message, extensions);
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterMs: number, message = 'Too many attempts; try again later.') {
    super('RATE_LIMITED', message, { retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) });
  }
}
