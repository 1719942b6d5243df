import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { EXPLORER_HTML, EXPLORER_SCRIPT } from './client';

/** The explorer's files: GraphiQL and React from their packages, read once; nothing comes from a CDN. */
const ASSETS: Record<string, { file?: string; text?: string; type: string }> = {
  'react.js': { file: 'react:umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.js': { file: 'react-dom:umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.js': { file: 'graphiql:graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.css': { file: 'graphiql:graphiql.min.css', type: 'text/css; charset=utf-8' },
  'explorer.js': { text: EXPLORER_SCRIPT, type: 'text/javascript; charset=utf-8' },
};

/** `package:path` → the file inside that installed package (their `exports` do not list these builds). */
function packageFile(spec: string): string {
  const [pkg, path] = spec.split(':');
  return join(dirname(require.resolve(`${pkg}/package.json`)), path);
}

/** Everything from this server; inline styles for React, data: fonts and images for GraphiQL. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GraphiQL at /explorer, served entirely by Gatehouse, so it works on a server without internet access
 * (Apollo Sandbox at /graphql loads from Apollo's CDN). Bodies are read on first request and kept.
 */
export function mountExplorer(server: FastifyInstance): void {
  const cache = new Map<string, Buffer>();
  const body = (name: string): Buffer => {
    let b = cache.get(name);
    if (!b) {
      const a = ASSETS[name];
      b = a.text !== undefined ? Buffer.from(a.text) : readFileSync(packageFile(a.file!));
      cache.set(name, b);
    }
    return b;
  };
  server.get('/explorer', async (_req, reply) =>
    reply.header('content-security-policy', CSP).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(EXPLORER_HTML),
  );
  server.get<{ Params: { name: string } }>('/explorer/assets/:name', async (req, reply) => {
    const asset = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
    return reply.header('cache-control', 'public, max-age=3600').type(asset.type).send(body(req.params.name));
  });
}
