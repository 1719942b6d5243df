import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pleromaDialect } from '../../src/rest/pleroma';
import { mastodonApiDialect, oauthDialect } from '../../src/rest/mastodon';
import { telodendriaDialect } from '../../src/rest/telodendria';
import { matrixClientDialect } from '../../src/rest/matrix';
import { nodeInfoDialect, wellKnownDialect } from '../../src/rest/nodeinfo';
import { pryvDialects } from '../../src/rest/pryv';
import { MESSAGES } from '../../src/rest/socks/messages';
import type { Dialect } from '../../src/rest/dialect';

/** Every row of every dialect is exercised by a test that names it ("METHOD /path" in a test title). */
const DIALECTS: Array<{ dialect: Dialect; testFile: string }> = [
  { dialect: pleromaDialect, testFile: 'integration/rest/pleroma.test.ts' },
  { dialect: mastodonApiDialect, testFile: 'integration/rest/mastodon.test.ts' },
  { dialect: oauthDialect, testFile: 'integration/rest/mastodon.test.ts' },
  { dialect: telodendriaDialect, testFile: 'integration/rest/telodendria.test.ts' },
  { dialect: matrixClientDialect, testFile: 'integration/rest/matrix.test.ts' },
  { dialect: nodeInfoDialect, testFile: 'integration/rest/nodeinfo.test.ts' },
  { dialect: wellKnownDialect, testFile: 'integration/rest/nodeinfo.test.ts' },
  ...pryvDialects.map((dialect) => ({ dialect, testFile: 'integration/rest/pryv.test.ts' })),
];

describe('REST route coverage', () => {
  it.each(DIALECTS.map((d) => [d.dialect.name, d] as const))(
    'every %s row has a test that names it and requests it',
    (_name, { dialect, testFile }) => {
      const source = readFileSync(join(__dirname, '..', testFile), 'utf8');
      // Each test: its title and its body (up to the next test).
      const starts = [...source.matchAll(/\bit\(\s*(['"])((?:(?!\1).)*)\1/g)];
      const tests = starts.map((m, i) => ({ title: m[2], body: source.slice(m.index!, starts[i + 1]?.index ?? source.length) }));
      const untested: string[] = [];
      const unrequested: string[] = [];
      for (const r of dialect.rows) {
        const named = tests.filter((x) => new RegExp(`\\b${r.method}\\b`).test(x.title) && x.title.includes(r.path));
        if (named.length === 0) {
          untested.push(`${r.method} ${r.path}`);
          continue;
        }
        // A floor: the naming test sends that method (or posts a form) to a path with the route's last fixed segment.
        const fixed =
          r.path
            .split('/')
            .filter((seg) => seg && !seg.startsWith(':'))
            .pop() ?? '';
        const sends = (body: string) => body.includes(`'${r.method}'`) || (r.method === 'POST' && body.includes('form('));
        const requests = (body: string) => sends(body) && body.includes(fixed);
        if (!named.some((x) => requests(x.body))) unrequested.push(`${r.method} ${r.path}`);
      }
      expect(untested).toEqual([]);
      expect(unrequested).toEqual([]);
    },
  );

  it('every Socks message type has a test', () => {
    const source = readFileSync(join(__dirname, '..', 'integration/rest/socks.test.ts'), 'utf8');
    const titles = [...source.matchAll(/it\(\s*'([^']*)'/g)].map((m) => m[1]).join('\n');
    expect(MESSAGES.map((m) => m.type).filter((type) => !new RegExp(`\\b${type}\\b`).test(titles))).toEqual([]);
  });

  it('rows are unique per dialect', () => {
    for (const { dialect } of DIALECTS) {
      const keys = [...dialect.rows, ...dialect.unimplemented].map((r) => `${r.method} ${r.path}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('the layering (dependency-cruiser, .dependency-cruiser.js)', () => {
  it('holds over src: the REST layer imports no domain, database, permission, auth or ORM code; the domain no wiring; no run-time cycles; no cycles between folders', () => {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const root = join(__dirname, '../..');
    const out = execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        'src',
        '--config',
        '.dependency-cruiser.js',
        '--output-type',
        'json',
      ],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    const result = JSON.parse(out) as {
      summary: { violations: unknown[]; totalCruised: number };
      modules: Array<{ source: string; dependencies: Array<{ resolved: string }> }>;
    };
    expect(result.summary.violations).toEqual([]);
    expect(result.summary.totalCruised).toBeGreaterThan(100);

    // No cycles between folders (src/<folder>/…), type imports included; the files at src/'s root are the wiring.
    const folder = (path: string) => /^src\/([^/]+)\//.exec(path)?.[1];
    const edges = new Map<string, Set<string>>();
    for (const m of result.modules) {
      const from = folder(m.source);
      for (const d of m.dependencies) {
        const to = folder(d.resolved);
        if (from && to && from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(edges.size).toBeGreaterThan(5);
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      for (const next of edges.get(node) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else visit(next, [...path, next]);
      }
    };
    for (const start of edges.keys()) visit(start, [start]);
    expect(cycles).toEqual([]);
  });
});

describe('the README lists what is not implemented', () => {
  it('names exactly the Akkoma/Pleroma routes answered 501, no more, no fewer', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf("Outside Gatehouse's domain, answered `501");
    expect(start).toBeGreaterThan(0);
    const paragraph = readme.slice(start, readme.indexOf('Anything else under the prefixes', start));
    const listed = [...paragraph.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(listed).toEqual(pleromaDialect.unimplemented.map((r) => `${r.method} ${r.path}`).sort());
  });
});
