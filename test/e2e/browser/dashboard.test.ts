import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, PASSWORD, startApiFixture } from '../../integration/services/api/fixture.ts';
import { ROOT } from '../../support/kam-process.ts';

// The dashboard in a real browser (Debian's chromium driven by playwright-core; never a
// downloaded browser). Screenshots land in artifacts/screenshots/ (gitignored).

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)('dashboard in chromium', () => {
  let f: ApiFixture;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    f = await startApiFixture({ withPasswords: true });
    await f.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  async function shoot(page: Page, name: string): Promise<void> {
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, name), fullPage: true });
  }

  async function login(username: string, lang: 'zh' | 'en' = 'en'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
    await context.addInitScript(
      (l) =>
        (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
          'kam.lang',
          l,
        ),
      lang,
    );
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    return page;
  }

  it('shows the login page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.waitForSelector('#login-form');
    await page.screenshot({ path: join(SHOTS, 'login.png') });
    await page.fill('input[name=username]', f.users.dispatcher.username);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('button[type=submit]');
    await page.waitForSelector('#login-error:not([hidden])');
    await context.close();
  });

  it('lets a dispatcher watch live load, open an account and acknowledge an alert', async () => {
    const page = await login(f.users.dispatcher.username);
    await page.waitForSelector(`[data-live-load="${f.ids.account}"]`);
    await page.waitForSelector('#live-dot.on');
    expect(await page.locator('.card[data-account]').count()).toBe(8);
    await shoot(page, 'fleet-dispatcher.png');

    // a reading of the incomer on the bus → the account's live load on the card becomes it (the
    // arc-furnace feeder behind the incomer is a sub-meter and is not added)
    const live = page.locator(`[data-live-load="${f.ids.account}"]`);
    expect(await live.textContent()).not.toBe('12,345');
    f.bus.emit('reading', { meterId: f.ids.meter, ts: new Date(), values: { powerKw: 12_345 }, quality: 0 });
    await expect.poll(() => live.textContent(), { timeout: 10_000 }).toBe('12,345');

    await page.click(`.card[data-account="${f.ids.account}"]`);
    await page.waitForSelector(`tr[data-alert="${f.ids.alert}"]`);
    await page.waitForSelector('#voltage-chart .uplot');
    await shoot(page, 'account-dispatcher.png');

    await page.click(`tr[data-alert="${f.ids.alert}"] button[data-action="ack"]`);
    await page.waitForSelector(`tr[data-alert="${f.ids.alert}"][data-state="acknowledged"]`);
    const { rows } = await f.db.query('SELECT state, acknowledged_by FROM alerts WHERE id = $1', [f.ids.alert]);
    expect(rows[0]).toEqual({ state: 'acknowledged', acknowledged_by: `user:${f.users.dispatcher.username}` });
    await shoot(page, 'account-acknowledged.png');

    await page.click('[data-nav="inbox"]');
    await page.waitForSelector('#inbox table');
    await page.click('#lang-toggle');
    await page.waitForSelector('#inbox table');
    await shoot(page, 'inbox-zh.png');
    await page.context().close();
  });

  it('shows a customer only their own account', async () => {
    const page = await login(f.users.customer.username, 'zh');
    await page.waitForSelector('[data-testid="account-name"]');
    await page.waitForSelector('#voltage-chart .uplot');
    expect(page.url()).toContain(`#/accounts/${f.ids.account}`);
    await shoot(page, 'account-customer-zh.png');
    // no acknowledge buttons for a customer
    expect(await page.locator('button[data-action]').count()).toBe(0);

    await page.click('[data-nav="fleet"]');
    await page.waitForSelector('.card[data-account]');
    const cards = await page
      .locator('.card[data-account]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-account')));
    expect(cards).toEqual([String(f.ids.account)]);

    // guessing another account's id in the address bar gets nothing
    await page.goto(`${base}/#/accounts/${f.ids.otherAccount}`);
    await page.waitForSelector('.page-head h1');
    expect(await page.locator('.page-head h1').textContent()).toMatch(/not found/);
    await page.context().close();
  });
});

if (!haveChromium) {
  it.skip(`dashboard browser test: ${CHROMIUM} is missing (apt-get install chromium)`, () => {});
}
