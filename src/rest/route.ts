import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { BadInputError, type ErrorCode } from '../errors/errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a row sees of the HTTP request: already parsed, never the raw Fastify objects. */
export interface RestRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The caller's token as the dialect read it (Pryv's logout answers it back). */
  token?: string | null;
}

/** A coded error as a dialect receives it from GraphQL. */
export interface OperationError {
  code: ErrorCode;
  message: string;
  extensions: Record<string, unknown>;
}

export interface RestAnswer {
  status: number;
  body?: unknown;
  /** A plain-text body instead of JSON (Pryv's Joi validation texts). */
  text?: string;
  headers?: Record<string, string>;
}

/**
 * One REST route: method + path → a named GraphQL operation, its variables from the request, a
 * serializer for the answer and a status. A row translates; it never decides (no ORM, no service,
 * no permission check): whatever needs a decision is a GraphQL field.
 */
export interface RouteRow<TData = any, TVars = any> {
  method: HttpMethod;
  /** Relative to the dialect's mount, in Fastify syntax (`/users/:nickname`). */
  path: string;
  operation: TypedDocumentNode<TData, TVars>;
  /** May throw a BadInputError for params the dialect cannot even translate. */
  variables(req: RestRequest): TVars;
  serialize?(data: TData, req: RestRequest, extra?: any): unknown;
  /**
   * For one path whose request and this row's own answer decide which operation it is (Matrix
   * registration: the registration mode and the `auth` stage): answers the row that serves the request,
   * or the answer itself. The row's operation runs first; its data is what `select` reads.
   */
  select?(req: RestRequest, data: TData): RouteRow | Answer;
  /**
   * A second, public operation whose data the serializer needs beside the first (a mutation cannot
   * select query fields: Matrix login's `well_known` reads the server's public URL). Runs after success.
   */
  extra?: { operation: TypedDocumentNode<any, any>; variables?(req: RestRequest): unknown };
  /** Where the caller's token comes from, when not where the dialect usually reads it. */
  token?(req: RestRequest): string | null;
  /** Success status; 204 sends no body. */
  status?: number;
  /** A row-specific error answer (e.g. Pleroma's 409 array on user creation); else the dialect table. */
  onError?(error: OperationError, req: RestRequest): RestAnswer | undefined;
}

/** Routes a dialect answers with a fixed "not implemented" error (outside Gatehouse's domain). */
export interface UnimplementedRow {
  method: HttpMethod;
  path: string;
}

/**
 * A serializer's way to answer something other than the row's success status, for upstream
 * shapes such as Akkoma's partial batch failure (400 with the failed items).
 */
export class Answer implements RestAnswer {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers?: Record<string, string>,
  ) {}
}

/** A route whose answer is fixed (no operation): discovery documents such as Matrix `/versions`. */
export interface StaticRow {
  method: HttpMethod;
  path: string;
  answer: RestAnswer;
}

export function row<TData, TVars>(r: RouteRow<TData, TVars>): RouteRow<TData, TVars> {
  return r;
}

/** Reads a list parameter given as `name[]=a&name[]=b`, `name=a,b`, or a JSON array. */
export function listParam(source: Record<string, unknown>, name: string): string[] | undefined {
  const v = source[`${name}[]`] ?? source[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return [String(v)];
}

/** A non-empty string parameter; a missing or empty required one is a BadInputError naming it. */
export function stringParam(source: Record<string, unknown>, name: string, required: true): string;
export function stringParam(source: Record<string, unknown>, name: string, required?: boolean): string | undefined;
export function stringParam(source: Record<string, unknown>, name: string, required = true): string | undefined {
  const v = source[name];
  if (typeof v === 'string' && v !== '') return v;
  if (required) throw new BadInputError(`${name} is required`, name);
  return undefined;
}

export function intParam(source: Record<string, unknown>, name: string, fallback: number): number {
  const v = source[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  return Number.isInteger(n) ? n : NaN;
}
