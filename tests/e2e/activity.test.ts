import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../support/db-snapshot.ts';
import { buildAppFor } from './support/app-build';
import { axeViolations } from './support/axe';
import { launchChromium } from './support/browser';
import { freePort } from './support/free-port';
import { activityIdFor, feedIds, insertPaidOrder, serviceClient, signIn, staffClient, waitForState } from './support/stack-helpers';

// The support agent's day on /activity: search, drill-down, shareable views, roles, accessibility.
const SHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');
let URL_: string;
let stack: Stack;
let app: ReturnType<typeof buildAppFor>;
let browser: Browser;
let admin: SupabaseClient;
let adminCtx: BrowserContext;
let page: Page;
let customer: { id: string; full_name: string };
let ticket: { id: string; number: number };
let viewUrl: string;
let panelHistory: number[];

async function must<T>(q: PromiseLike<{ data: T | null; error: unknown }>): Promise<T> {
  const { data, error } = await q;
  if (error) throw error;
  if (data === null) throw new Error('no data');
  return data;
}

async function insertTicketFor(customerId: string, device: string) {
  return must(
    admin.from('tickets').insert({ customer_id: customerId, device, issue: 'Battery drains overnight' }).select('id, number').single<{ id: string; number: number }>(),
  );
}

const historyIds = (p: Page) =>
  p.$$eval('[data-testid="entity-panel"] [data-testid="entity-history-item"]', (els) => els.map((el) => Number(el.getAttribute('data-activity-id'))));

async function expectNoViolations(p: Page, what: string) {
  const violations = await axeViolations(p);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

beforeAll(async () => {
  const port = await freePort();
  URL_ = `http://127.0.0.1:${port}`;
  app = buildAppFor(URL_);
  stack = await startStackFromSnapshot({ port, memory: true, serveApp: app.dir });
  admin = serviceClient(URL_);
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
  customer = await must(
    admin.from('customers').insert({ full_name: 'Zelda Quarterfield', email: 'zelda.quarterfield@example.com' }).select('id, full_name').single<{ id: string; full_name: string }>(),
  );
  ticket = await insertTicketFor(customer.id, 'Pixel 7');
  adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await adminCtx.newPage();
  await signIn(page, URL_, 'admin@example.com');
  await waitForState(page, ['live']);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  app?.remove();
});

describe('/activity as an all-day tool, in Chromium', () => {
  it('searches a customer by name: only matching items, and a new matching ticket appears live', async () => {
    await page.goto(`${URL_}/activity`);
    await page.waitForSelector('[data-testid="activity-item"]');
    await page.fill('[data-testid="activity-search"]', 'quarterfield');
    await page.waitForURL('**/activity?q=quarterfield');
    const client = await staffClient(URL_, 'admin@example.com');
    const answer = async () => (await must(client.rpc('activity_feed', { p_limit: 50, p_query: 'quarterfield' }))) as { id: number }[];
    await expect.poll(async () => JSON.stringify(await feedIds(page)), { timeout: 20_000 }).toBe(JSON.stringify((await answer()).map((r) => r.id)));
    const texts = await page.$$eval('[data-testid="activity-item"]', (els) => els.map((el) => el.textContent ?? ''));
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toContain('Zelda Quarterfield');

    // another customer's ticket must not show up; hers must, without a reload
    const other = await must(admin.from('customers').select('id').neq('id', customer.id).limit(1).single<{ id: string }>());
    const noise = await insertTicketFor(other.id, 'Noise Phone');
    const fresh = await insertTicketFor(customer.id, 'iPhone 15');
    const freshId = await activityIdFor(stack, fresh.id);
    await page.waitForSelector(`[data-testid="activity-feed"] [data-activity-id="${freshId}"]`, { timeout: 30_000 });
    expect(await page.locator(`[data-activity-id="${await activityIdFor(stack, noise.id)}"]`).count()).toBe(0);
    expect(await feedIds(page)).toEqual((await answer()).map((r) => r.id));

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `activity-search-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('opens a ticket from the feed: its history equals the log, and a status change shows in the open panel', async () => {
    const item = page.locator(`[data-testid="activity-item"][data-entity-id="${ticket.id}"] a`).first();
    await item.click();
    const panel = page.locator(`[data-testid="entity-panel"][data-entity-type="ticket"][data-entity-id="${ticket.id}"]`);
    await panel.waitFor();
    expect(await panel.getAttribute('role')).toBe('dialog');
    expect(await panel.getAttribute('aria-modal')).toBe('true');
    await page.waitForSelector('[data-testid="entity-history-item"]');
    expect(await panel.textContent()).toContain(`Ticket #${ticket.number}`);

    const client = await staffClient(URL_, 'admin@example.com');
    const detail = (await must(client.rpc('entity_detail', { p_type: 'ticket', p_id: ticket.id }))) as { history: { id: number }[] };
    const { rows } = await stack.db.query<{ id: string }>('select id from public.activity_log where entity_id = $1 order by id desc', [ticket.id]);
    expect(await historyIds(page)).toEqual(detail.history.map((h) => h.id));
    expect(await historyIds(page)).toEqual(rows.map((r) => Number(r.id)));

    await must(admin.from('tickets').update({ status: 'waiting_parts' }).eq('id', ticket.id).select('id'));
    const changeId = await activityIdFor(stack, ticket.id);
    await page.waitForSelector(`[data-testid="entity-history-item"][data-activity-id="${changeId}"]`, { timeout: 30_000 });
    expect(await page.textContent(`[data-testid="entity-history-item"][data-activity-id="${changeId}"]`)).toContain('to Waiting parts');
    expect((await historyIds(page))[0]).toBe(changeId);
    expect(await panel.textContent()).toContain('Waiting parts');

    viewUrl = page.url();
    panelHistory = await historyIds(page);
    expect(viewUrl).toContain(`open=ticket%3A${ticket.id}`);
    expect(viewUrl).toContain('q=quarterfield');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SHOTS, `activity-panel-${scheme}.png`) });
      await expectNoViolations(page, `open panel, ${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="activity-item"]')?.getAttribute('data-entity-id'))).toBe(ticket.id);
  });

  it('restores the same view from a pasted link in a new page', async () => {
    const copy = await adminCtx.newPage();
    await copy.goto(viewUrl);
    const panel = copy.locator(`[data-testid="entity-panel"][data-entity-id="${ticket.id}"]`);
    await panel.waitFor();
    await copy.waitForSelector('[data-testid="entity-history-item"]');
    expect(await copy.inputValue('[data-testid="activity-search"]')).toBe('quarterfield');
    expect(await historyIds(copy)).toEqual(panelHistory);
    await copy.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(async () => JSON.stringify(await feedIds(copy)), { timeout: 20_000 }).toBe(JSON.stringify(await feedIds(page)));
    // a pasted link has no list entry behind it: closing replaces the entry with the view without the panel
    expect(new URL(copy.url()).search).toBe('?q=quarterfield');
    await copy.close();
  });

  it('works from the keyboard: / searches, j/k move, Enter opens, Esc closes, ? lists the shortcuts', async () => {
    await page.goto(`${URL_}/activity`);
    await page.waitForSelector('[data-testid="activity-feed"] [data-testid="activity-item"]');
    const focusedItem = () => page.evaluate(() => document.activeElement?.closest('[data-testid="activity-item"]')?.getAttribute('data-activity-id'));
    const ids = await feedIds(page);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(Number(await focusedItem())).toBe(ids[1]);
    await page.keyboard.press('k');
    expect(Number(await focusedItem())).toBe(ids[0]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="entity-panel"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="entity-panel"]', { state: 'detached' });
    expect(Number(await focusedItem())).toBe(ids[0]);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('activity-search');
    await page.keyboard.type('jk');
    expect(await page.inputValue('[data-testid="activity-search"]')).toBe('jk');
    await page.fill('[data-testid="activity-search"]', '');
    await page.locator('h1').click();
    await page.keyboard.press('Shift+Slash');
    await page.waitForSelector('[role="dialog"]:has-text("Keyboard shortcuts")');
    await page.keyboard.press('Escape');
  });

  it('never lets a support agent open an order by URL', async () => {
    const order = await insertPaidOrder(admin);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const support = await ctx.newPage();
    const asked: string[] = [];
    support.on('request', (r) => {
      if (r.url().includes('/rpc/entity_detail')) asked.push(r.postData() ?? '');
    });
    await signIn(support, URL_, 'support@example.com');
    await support.goto(`${URL_}/activity?open=order:${order.id}`);
    const panel = support.locator('[data-testid="entity-panel"][data-entity-type="order"]');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Orders are not available for your role');
    expect(asked.filter((b) => b.includes('"order"'))).toEqual([]);
    expect(await support.locator('button:has-text("Orders")').count()).toBe(0);
    await support.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await support.goto(`${URL_}/activity?kind=orders`);
    await support.waitForSelector('text=Orders are not available for your role');
    await ctx.close();
  });

  it('shows ticket aging on the overview: each active status counted as in the tickets table, oldest first created', async () => {
    await page.goto(`${URL_}/`);
    await page.waitForSelector('[data-testid="ticket-aging"] [data-testid="ticket-aging-row"]', { timeout: 30_000 });
    const { rows } = await stack.db.query<{ status: string; n: string; oldest: string | null }>(
      `select s.status, count(t.id) as n, extract(epoch from now() - min(t.created_at))::bigint::text as oldest
         from unnest(array['open', 'in_progress', 'waiting_parts', 'ready']) with ordinality s(status, pos)
         left join public.tickets t on t.status = s.status group by s.status, s.pos order by s.pos`,
    );
    await expect
      .poll(async () =>
        JSON.stringify(
          await page.$$eval('[data-testid="ticket-aging-row"]', (els) => els.map((el) => [el.getAttribute('data-status'), el.getAttribute('data-count')])),
        ),
      )
      .toBe(JSON.stringify(rows.map((r) => [r.status, String(r.n)])));
    const shown = await page.$$eval('[data-testid="ticket-aging-row"]', (els) => els.map((el) => el.getAttribute('data-oldest-seconds')));
    rows.forEach((r, i) => {
      if (r.oldest === null) expect(shown[i]).toBe('');
      // the card's figure is from the last sync, a few seconds before this query
      else expect(Math.abs(Number(shown[i]) - Number(r.oldest))).toBeLessThan(120);
    });
  });

  it('passes an axe-core scan on /login, /, /activity and the open panel, light and dark', async () => {
    const anon = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await anon.newPage();
    for (const scheme of ['light', 'dark'] as const) {
      await login.emulateMedia({ colorScheme: scheme });
      await login.goto(`${URL_}/login`);
      await login.waitForSelector('input[name="email"]');
      await expectNoViolations(login, `/login, ${scheme}`);

      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${URL_}/`);
      await page.waitForSelector('[data-testid="kpi-active-repairs"]');
      await page.waitForSelector('[data-testid="ticket-aging-row"]');
      await page.waitForSelector('[data-testid="activity-item"]');
      await expectNoViolations(page, `/, ${scheme}`);

      await page.goto(`${URL_}/activity`);
      await page.waitForSelector('[data-testid="activity-feed"] [data-testid="activity-item"]');
      await expectNoViolations(page, `/activity, ${scheme}`);

      await page.goto(`${URL_}/activity?kind=tickets&open=ticket:${ticket.id}`);
      await page.waitForSelector('[data-testid="entity-history-item"]');
      await expectNoViolations(page, `/activity with the panel open, ${scheme}`);
    }
    await anon.close();
  });
});
