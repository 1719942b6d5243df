import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchemaSdl } from '../../src/schema';

describe('schema.graphql', () => {
  it('is what the code emits (run `npm run schema:emit` after changing the schema)', () => {
    const committed = readFileSync(join(__dirname, '../../schema.graphql'), 'utf8');
    expect(printSchemaSdl()).toBe(committed);
  });

  it('never exposes the password hash', () => {
    expect(readFileSync(join(__dirname, '../../schema.graphql'), 'utf8')).not.toMatch(/password_?hash/i);
  });
});
