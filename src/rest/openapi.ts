import type { Dialect } from './dialect';
import type { RestAnswer, RouteRow } from './route';

/** The dialects grouped as their upstream documents them: one OpenAPI document each. */
export interface ApiDocument {
  name: string;
  title: string;
  description: string;
  dialects: Dialect[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

/** A JSON schema that the example answer satisfies (types of each key; arrays by their first item). */
function schemaOf(value: unknown): Schema {
  if (value === null) return { type: 'null' };
  if (Array.isArray(value)) return { type: 'array', items: value.length ? schemaOf(value[0]) : {} };
  if (typeof value === 'object') {
    const properties: Record<string, Schema> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) properties[k] = schemaOf(v);
    return { type: 'object', properties, required: Object.keys(properties) };
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  return { type: typeof value };
}

function answerResponse(answer: RestAnswer, description: string): Schema {
  if (answer.text !== undefined) return { description, content: { 'text/plain': { schema: { type: 'string' }, example: answer.text } } };
  if (answer.body === undefined) return { description };
  return { description, content: { 'application/json': { schema: schemaOf(answer.body), example: answer.body as Json } } };
}

/** Fastify's `/users/:nickname` → OpenAPI's `/users/{nickname}` and its parameters. */
function openApiPath(prefix: string, path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = (prefix + (path === '/' ? '' : path) || '/').replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted || '/', params };
}

function operationName(row: RouteRow): string {
  const def = (row.operation as unknown as { definitions?: Array<{ name?: { value: string } }> }).definitions?.[0];
  return def?.name?.value ?? 'an operation';
}

/** The error answers a dialect gives, from its own error table (the same code that answers them). */
function errorResponses(dialect: Dialect): Record<string, Schema> {
  const samples: Array<[string, string]> = [
    ['BAD_USER_INPUT', 'Invalid input'],
    ['UNAUTHENTICATED', 'Authentication required'],
    ['FORBIDDEN', 'Not allowed'],
    ['NOT_FOUND', 'Not found'],
    ['RATE_LIMITED', 'Too many requests'],
  ];
  const out: Record<string, Schema> = {};
  for (const [code, message] of samples) {
    const answer = dialect.error({ code: code as never, message, extensions: code === 'RATE_LIMITED' ? { retryAfterMs: 1000 } : {} });
    out[String(answer.status)] ??= answerResponse(answer, `${code} (Gatehouse error code), as ${dialect.name} answers it`);
  }
  return out;
}

/** An OpenAPI 3.1 document generated from the dialects' route rows, fixed answers and not-implemented rows. */
export function openApiDocument(doc: ApiDocument, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  const add = (prefix: string, path: string, method: string, op: Record<string, unknown>) => {
    const { path: p, params } = openApiPath(prefix, path);
    let id = `${method}${p}`.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '');
    while (ids.has(id)) id += '_';
    ids.add(id);
    const parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    (paths[p] ??= {})[method.toLowerCase()] = { operationId: id, ...(parameters.length ? { parameters } : {}), ...op };
  };
  for (const dialect of doc.dialects) {
    const errors = errorResponses(dialect);
    for (const prefix of dialect.prefixes) {
      for (const row of dialect.rows) {
        const status = String(row.status ?? 200);
        const hasBody = row.method !== 'GET';
        add(prefix, row.path, row.method, {
          tags: [dialect.name],
          summary: `Runs the GraphQL operation ${operationName(row)}${row.select ? ' (or the one the request selects)' : ''}`,
          ...(hasBody
            ? {
                requestBody: {
                  required: false,
                  content: {
                    'application/json': { schema: { type: 'object' } },
                    'application/x-www-form-urlencoded': { schema: { type: 'object' } },
                  },
                },
              }
            : {}),
          responses: {
            [status]:
              status === '204'
                ? { description: 'Done, no body' }
                : { description: 'Success', content: { 'application/json': { schema: {} } } },
            ...errors,
          },
        });
      }
      for (const s of dialect.statics ?? []) {
        add(prefix, s.path, s.method, {
          tags: [dialect.name],
          summary: 'A fixed answer',
          responses: { [String(s.answer.status)]: answerResponse(s.answer, 'Always this answer') },
        });
      }
      for (const u of dialect.unimplemented) {
        add(prefix, u.path, u.method, {
          tags: [dialect.name],
          summary: 'Outside Gatehouse: answers "not implemented"',
          responses: { [String(dialect.notImplemented.status)]: answerResponse(dialect.notImplemented, 'Not implemented by Gatehouse') },
        });
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: doc.title, version, description: doc.description },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Gatehouse session token' } },
    },
    security: [{ bearer: [] }, {}],
  };
}
