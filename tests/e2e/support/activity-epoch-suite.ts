import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../../local-supabase/stack.ts';
import type { LiveTransportSetting } from '../../../src/config/env.ts';
import { startStackFromSnapshot } from '../../support/db-snapshot.ts';
import { buildAppFor } from './app-build';
import { launchChromium } from './browser';
import { freePort } from './free-port';
import { activityIdFor, feedIds, insertTicket, serviceClient, signIn, staffClient, waitForState } from './stack-helpers';

// Issue 17, case 5: the activity log is truncated and its ids start again under a new epoch while
// /activity is open. The open search and the title count follow the new log. Case 7: a change that
// adds no activity row (a ticket's priority) still reaches an open search and an open panel.
/** The story in Chromium, with the app built for `transport` (default: the app's default). */
export function activityEpochSuite(transport?: LiveTransportSetting) {
  let URL_: string;
  let stack: Stack;
  let app: ReturnType<typeof buildAppFor>;
  let browser: Browser;
  let admin: SupabaseClient;
  let ctx: BrowserContext;
  let feedPage: Page;
  let searchPage: Page;

  const TITLE = 'Activity · Repair Shop';
  const searchIds = (p: Page) =>
    p.$$eval('.activity-search-results [data-testid="activity-item"]', (els) => els.map((el) => Number(el.getAttribute('data-activity-id'))));

  /** What the visibility API says, as a hidden or shown tab would (the page re-reads it on the event). */
  async function setHidden(p: Page, hidden: boolean) {
    await p.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  }

  /** Reads of the search and the panel each page made (activity_feed, entity_detail). */
  const reads = new Map<Page, number>();
  function countReads(p: Page) {
    reads.set(p, 0);
    p.on('request', (r) => {
      if (/\/rpc\/(activity_feed|entity_detail)/.test(r.url())) reads.set(p, (reads.get(p) ?? 0) + 1);
    });
  }

  /**
   * Waits until the page has made no such read for a while: a tab hand-over or a start-up sync
   * re-reads by itself, and a read that happens to land after the change would hide a page that
   * never re-reads on its own.
   */
  async function quiet(p: Page, ms = 1_500) {
    const deadline = Date.now() + 20_000;
    let last = reads.get(p);
    let since = Date.now();
    while (Date.now() - since < ms) {
      if (Date.now() > deadline) throw new Error('the page kept reading');
      await new Promise((r) => setTimeout(r, 100));
      if (reads.get(p) !== last) {
        last = reads.get(p);
        since = Date.now();
      }
    }
  }

  async function waitForIds(read: () => Promise<number[]>, want: () => Promise<number[]>, what: string, timeout = 30_000) {
    const deadline = Date.now() + timeout;
    let got: number[] = [];
    let wanted: number[] = [];
    while (Date.now() < deadline) {
      [got, wanted] = await Promise.all([read(), want()]);
      if (JSON.stringify(got) === JSON.stringify(wanted)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(got, what).toEqual(wanted);
  }

  beforeAll(async () => {
    const port = await freePort();
    URL_ = `http://127.0.0.1:${port}`;
    app = buildAppFor(URL_, { transport });
    stack = await startStackFromSnapshot({ port, memory: true, serveApp: app.dir });
    admin = serviceClient(URL_);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    feedPage = await ctx.newPage();
    countReads(feedPage);
    await signIn(feedPage, URL_, 'admin@example.com');
    await waitForState(feedPage, ['live']);
    // a log well above the ids the new one will hand out
    for (let i = 0; i < 5; i += 1) await insertTicket(admin, `Before ${i}`);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    app?.remove();
  });

  describe(`/activity when the log starts again under a new epoch, in Chromium (${transport ?? 'default transport'})`, () => {
    it('re-reads the open search and counts new items in the title again', async () => {
      const client = await staffClient(URL_, 'admin@example.com');
      const ticketsNow = async () =>
        ((await client.rpc('activity_feed', { p_limit: 50, p_types: ['ticket'] })).data as { id: number }[]).map((r) => r.id);

      await feedPage.goto(`${URL_}/activity`);
      await feedPage.waitForSelector('[data-testid="activity-item"]');
      // a second tab of the same browser holds a search open on tickets
      searchPage = await ctx.newPage();
      countReads(searchPage);
      await searchPage.goto(`${URL_}/activity?kind=tickets`);
      await waitForIds(() => searchIds(searchPage), ticketsNow, 'the search before the truncate');
      const before = await searchIds(searchPage);
      expect(before.length).toBeGreaterThanOrEqual(5);

      await Promise.all([quiet(searchPage), quiet(feedPage)]);
      await stack.db.exec('truncate public.activity_log');
      await stack.db.query(`select setval('private.activity_log_id_seq', 1, false)`);
      const first = await insertTicket(admin, 'After 1');
      const firstId = await activityIdFor(stack, first.id);
      expect(firstId).toBeLessThan(Math.min(...before));

      // the open search is of the new log now: exactly what activity_feed answers
      await waitForIds(() => searchIds(searchPage), ticketsNow, 'the search after the truncate');
      await waitForIds(() => feedIds(feedPage), async () => [firstId], 'the feed after the truncate');

      // hidden: what arrives counts in the title, although its ids are below everything seen before
      await setHidden(feedPage, true);
      await insertTicket(admin, 'After 2');
      await insertTicket(admin, 'After 3');
      await feedPage.waitForFunction((t) => document.title === `(2) ${t}`, TITLE, { timeout: 30_000 });
      await waitForIds(() => searchIds(searchPage), ticketsNow, 'the search, live in the new epoch');

      // looking again: the title is plain, and the divider sits above what was seen in the new log
      await setHidden(feedPage, false);
      await feedPage.waitForFunction((t) => document.title === t, TITLE);
      const ids = await feedIds(feedPage);
      expect(ids.at(-1)).toBe(firstId);
      const dividerAbove = await feedPage.$$eval('[data-testid="activity-item"], [data-testid="new-since-divider"]', (els) =>
        els.map((el) => el.getAttribute('data-testid') === 'new-since-divider').indexOf(true),
      );
      expect(dividerAbove).toBe(ids.length - 1);
    });

    it('re-reads a priority-filtered search and the open panel when a ticket changes priority without an activity row', async () => {
      const client = await staffClient(URL_, 'admin@example.com');
      const urgentNow = async () =>
        ((await client.rpc('activity_feed', { p_limit: 50, p_types: ['ticket'], p_ticket_priority: ['urgent'] })).data as { id: number }[]).map((r) => r.id);
      const ticket = await insertTicket(admin, 'Priority later');
      const panelPriority = () =>
        feedPage.$eval('[data-testid="entity-panel"]', (el) => {
          const dt = [...el.querySelectorAll('dt')].find((d) => d.textContent === 'Priority');
          return dt?.nextElementSibling?.textContent ?? null;
        });

      await searchPage.goto(`${URL_}/activity?kind=tickets&priority=urgent`);
      await waitForIds(() => searchIds(searchPage), urgentNow, 'the urgent tickets before');
      expect(await searchIds(searchPage)).not.toContain(await activityIdFor(stack, ticket.id));
      await feedPage.goto(`${URL_}/activity?open=ticket:${ticket.id}`);
      await feedPage.waitForSelector('[data-testid="entity-panel"] dt');
      expect(await panelPriority()).toBe('Normal');
      const { rows: logBefore } = await stack.db.query<{ n: string | number }>('select count(*) as n from public.activity_log');

      await Promise.all([quiet(searchPage), quiet(feedPage)]);
      await admin.from('tickets').update({ priority: 'urgent' }).eq('id', ticket.id).throwOnError();
      const { rows: logAfter } = await stack.db.query<{ n: string | number }>('select count(*) as n from public.activity_log');
      expect(Number(logAfter[0]!.n), 'a priority change adds no activity row').toBe(Number(logBefore[0]!.n));

      await waitForIds(() => searchIds(searchPage), urgentNow, 'the urgent tickets after the change');
      expect(await searchIds(searchPage)).toContain(await activityIdFor(stack, ticket.id));
      await feedPage.waitForFunction(
        () => {
          const dt = [...document.querySelectorAll('[data-testid="entity-panel"] dt')].find((d) => d.textContent === 'Priority');
          return dt?.nextElementSibling?.textContent === 'Urgent';
        },
        undefined,
        { timeout: 30_000 },
      );
    });
  });
}
