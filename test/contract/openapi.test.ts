import SwaggerParser from '@apidevtools/swagger-parser';
import { API_DOCUMENTS } from '../../src/rest/documents';
import { startTestApp, type TestApp } from '../helpers/app';

/** Fastify's `/users/:nickname` under a prefix → OpenAPI's `/users/{nickname}`. */
const openApiPath = (prefix: string, path: string) => (prefix + (path === '/' ? '' : path) || '/').replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI 3.1 for each REST dialect', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it.each(API_DOCUMENTS.map((d) => [d.name]))('/openapi/%s.json is a valid OpenAPI 3.1 document', async (name) => {
    const res = await fetch(`${t.url}/openapi/${name}.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    // The validator checks the document against the OpenAPI 3.1 schema (and dereferences it, so give it a copy).
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('every row, fixed answer and not-implemented route of every dialect is described, under each prefix', async () => {
    const missing: string[] = [];
    let described = 0;
    for (const d of API_DOCUMENTS) {
      const doc = (await (await fetch(`${t.url}/openapi/${d.name}.json`)).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      };
      for (const dialect of d.dialects) {
        for (const prefix of dialect.prefixes) {
          const routes = [...dialect.rows, ...(dialect.statics ?? []), ...dialect.unimplemented];
          for (const r of routes) {
            const op = doc.paths[openApiPath(prefix, r.path)]?.[r.method.toLowerCase()];
            if (!op || Object.keys(op.responses).length === 0) missing.push(`${d.name}: ${r.method} ${openApiPath(prefix, r.path)}`);
            else described++;
          }
        }
      }
    }
    expect(missing).toEqual([]);
    expect(described).toBeGreaterThan(100);
  });

  it("error answers are the dialect's own (Matrix errcode, Pryv error object)", async () => {
    const matrix = (await (await fetch(`${t.url}/openapi/matrix.json`)).json()) as any;
    const login = matrix.paths['/_matrix/client/v3/login'].post;
    expect(login.responses['401'].content['application/json'].example).toEqual({
      errcode: 'M_MISSING_TOKEN',
      error: 'No access token was specified for the request.',
    });
    const pryv = (await (await fetch(`${t.url}/openapi/pryv.json`)).json()) as any;
    expect(Object.keys(pryv.paths)).toContain('/users/{username}');
    expect((await fetch(`${t.url}/openapi/nope.json`)).status).toBe(404);
  });
});
