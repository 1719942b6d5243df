/**
 * The offline explorer in a real browser (Debian's Chromium through playwright-core): every request to
 * anything but 127.0.0.1 is blocked and recorded, the sign-in helper puts a token in GraphiQL's headers,
 * `{ viewer { username } }` runs and its answer shows. The screenshot is kept in test-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

jest.setTimeout(90_000);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

describe('GraphiQL explorer at /explorer, offline, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (bash .ci/run installs it)`);
    t = await startTestApp();
    await createUser(t, { username: 'operator', password: 'operator-password-1', roles: ['admin'] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('loads with the network to anything but 127.0.0.1 blocked, signs in, runs { viewer { username } } and shows the answer', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const blocked: string[] = [];
    const problems: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      blocked.push(url.toString());
      return route.abort('blockedbyclient');
    });
    page.on('pageerror', (err) => problems.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });

    const query = encodeURIComponent('{ viewer { username } }');
    const res = await page.goto(`${t.url}/explorer?query=${query}`, { waitUntil: 'networkidle' });
    expect(res?.status()).toBe(200);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });

    await page.fill('#signin-username', 'operator');
    await page.fill('#signin-password', 'operator-password-1');
    await page.click('#signin button[type=submit]');
    await page.waitForFunction(
      () => (globalThis as any).document.getElementById('signin-status')?.textContent?.startsWith('Signed in as operator'),
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForSelector('.graphiql-execute-button', { timeout: 15_000 });
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      () => (globalThis as any).document.querySelector('.result-window')?.textContent?.includes('"operator"'),
      undefined,
      { timeout: 15_000 },
    );
    const result = await page.$eval('.result-window', (el: any) => el.textContent ?? '');
    expect(result).toContain('"username": "operator"');
    const headers = await page.$eval('.graphiql-editor-tool', (el: any) => el.textContent ?? '');
    expect(headers).toContain('Authorization');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'explorer.png') });
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('is off in production unless EXPLORER=true', async () => {
    const prod = await startTestApp({ NODE_ENV: 'production' });
    const on = await startTestApp({ NODE_ENV: 'production', EXPLORER: 'true' });
    try {
      expect((await fetch(`${prod.url}/explorer`)).status).toBe(404);
      const page = await fetch(`${on.url}/explorer`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect((await fetch(`${on.url}/explorer/assets/graphiql.js`)).status).toBe(200);
      expect((await fetch(`${on.url}/explorer/assets/..%2Fpackage.json`)).status).toBe(404);
    } finally {
      await prod.close();
      await on.close();
    }
  });
});
