import { type GraphQLError, Kind, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { BadInputError } from '../errors/errors';
import { limitValidationRules } from './limits';

/** Deeper JSON than this is nobody's input (kvSet values, settings): refused before it reaches a resolver. */
export const MAX_INPUT_DEPTH = 64;

/** Half of a UTF-16 surrogate pair on its own: no character at all (PostgreSQL's JSON refuses it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What no input may hold, whatever the field: a NUL character or a lone surrogate (PostgreSQL text
 * and JSON cannot store them, and the error would carry SQL) or nesting beyond MAX_INPUT_DEPTH (recursive code would overflow).
 * Walks iteratively, so a 100,000-deep value cannot overflow the walk itself. Answers the problem, or null.
 */
export function inputProblem(value: unknown, path = 'variables'): string | null {
  const stack: Array<[unknown, number, string]> = [[value, 0, path]];
  while (stack.length) {
    const [v, depth, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return `${at} must not contain NUL characters.`;
      if (LONE_SURROGATE.test(v)) return `${at} must be valid Unicode text.`;
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_INPUT_DEPTH) return `${at} is nested more than ${MAX_INPUT_DEPTH} levels deep.`;
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (k.includes('\u0000') || LONE_SURROGATE.test(k)) return `${at} must not contain NUL characters or lone surrogates.`;
        stack.push([child, depth + 1, `${at}.${k}`]);
      }
    }
  }
  return null;
}

const literalProblems = new WeakMap<DocumentNode, string | null>();

/** A NUL inside a string literal of the document itself (memoised per parsed document). */
export function documentLiteralProblem(document: DocumentNode): string | null {
  let problem = literalProblems.get(document);
  if (problem === undefined) {
    problem = null;
    visit(document, {
      [Kind.STRING](node) {
        if (node.value.includes('\u0000') || LONE_SURROGATE.test(node.value))
          problem = 'A string in the document contains a NUL character or a lone surrogate.';
      },
    });
    literalProblems.set(document, problem);
  }
  return problem;
}

const limitErrors = new WeakMap<DocumentNode, readonly GraphQLError[]>();
let rules: ReturnType<typeof limitValidationRules> | null = null;

/**
 * Depth, alias, directive and cost limits for documents that arrive from outside. Run here rather
 * than among Apollo's validation rules because trust is a property of the request (the REST layer's
 * own in-process call, marked in its context), never of a document's text: a client sending a REST
 * row's text to /graphql is limited like any other. Memoised per parsed document (Apollo caches them).
 */
export function queryLimitErrors(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
  let errors = limitErrors.get(document);
  if (!errors) {
    rules ??= limitValidationRules();
    errors = validate(schema, document, rules);
    limitErrors.set(document, errors);
  }
  return errors;
}

export function badRequest(message: string): BadInputError {
  const err = new BadInputError(message);
  err.extensions.http = { status: 400 };
  return err;
}
