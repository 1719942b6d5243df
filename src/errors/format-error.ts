import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { isErrorCode } from './errors';

/** Flattens class-validator errors into argument paths and messages; the rejected values are never echoed. */
function flattenValidation(errors: ValidationError[], prefix = ''): Array<{ field: string; messages: string[] }> {
  return errors.flatMap((e) => {
    const field = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}

/** Apollo's own codes for requests that never reached a resolver: all are the client's input. */
const APOLLO_INPUT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export interface ErrorLogger {
  error(obj: unknown, msg?: string): void;
}

/**
 * Every error leaves with a catalog code. Coded errors keep their message; input errors found by
 * graphql-js or Apollo become BAD_USER_INPUT; anything else is logged and masked as INTERNAL, so no
 * SQL text, path or stack trace reaches a client.
 */
export function createFormatError(log: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

    if (original instanceof ArgumentValidationError) {
      const raw = original.extensions.validationErrors;
      const problems = Array.isArray(raw)
        ? flattenValidation(raw)
        : [{ field: String(formatted.path?.[0] ?? 'input'), messages: ['is not valid'] }];
      return {
        ...base,
        message: `Invalid input: ${problems.map((p) => p.messages.join('; ')).join('; ')}`,
        extensions: { code: 'BAD_USER_INPUT', fields: problems.map((p) => p.field) },
      };
    }
    if (original instanceof UniqueConstraintViolationException) {
      return { ...base, message: 'That value is already taken.', extensions: { code: 'CONFLICT' } };
    }
    if (typeof code === 'string' && isErrorCode(code) && code !== 'INTERNAL') {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...base, extensions: { ...extensions, code } };
    }
    if (typeof code === 'string' && APOLLO_INPUT_CODES.has(code)) {
      return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    }
    log.error({ err: original }, 'unexpected error in GraphQL request');
    return { message: 'Internal server error.', path: formatted.path, extensions: { code: 'INTERNAL' } };
  };
}
