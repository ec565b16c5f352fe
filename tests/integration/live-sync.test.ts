import { afterEach, describe, expect, it } from 'vitest';
import { getActivityFeed } from '@/features/activity/api/get-activity-feed';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveApi } from '@/live/live-api';
import {
  ADMIN,
  expectInSync,
  insertCustomer,
  openEngine,
  sleep,
  startLiveStack,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

// The engine v2 against the real stack and the real supabase-js: one dashboard_sync per sync, a
// log whose ids start again under a new epoch, and the feed window under "load older".

const onPglite = !process.env.DATABASE_URL;

async function insertTickets(h: LiveStack, customer: string, n: number, tag: string) {
  await h.db.query(
    `insert into tickets (customer_id, device, issue) select $1, $2 || ' ' || i, 'Sync test' from generate_series(1, $3::int) i`,
    [customer, tag, n],
  );
}

/** The visible log, newest first, as activity_feed pages it (the engine's own reader). */
async function visibleLog(client: AppSupabaseClient, max = 3_000): Promise<number[]> {
  const ids: number[] = [];
  let before: number | undefined;
  while (ids.length < max) {
    const page = await getActivityFeed(client, { limit: 500, before });
    ids.push(...page.items.map((i) => i.id));
    if (page.rowCount < 500) break;
    before = page.items.at(-1)?.id;
  }
  return ids;
}

function expectContiguous(held: number[], log: number[], what: string) {
  const start = log.indexOf(held[0]!);
  expect(start, `${what}: the newest held row is in the log`).toBeGreaterThanOrEqual(0);
  expect(held, `${what}: one contiguous run of the log`).toEqual(log.slice(start, start + held.length));
}

describe('live engine v2 against the local stack', () => {
  let h: LiveStack | null = null;
  let e: EngineUnderTest | null = null;
  afterEach(async () => {
    await e?.close();
    await h?.close();
    e = null;
    h = null;
  });

  it('the log starts again (stack restarted with --memory on PGlite; TRUNCATE and restarted ids on PostgreSQL): the feed equals activity_feed again within 10 s', async () => {
    h = await startLiveStack({ memory: true });
    e = await openEngine(h, ADMIN);
    await waitFor(() => e!.stores.connection.getState().state === 'live', 'live');
    // more rows than the new database will have, so the old cursor is above every new id
    await insertTickets(h, await insertCustomer(h.db), 300, 'Before');
    await expectInSync(e, e.client, 'before the restart');
    const before = e.stores.dashboard.getState();
    expect(before.epoch).not.toBeNull();

    if (onPglite) await h.restart();
    else {
      await h.db.exec('truncate public.activity_log');
      await h.db.query(`select setval('private.activity_log_id_seq', 1, false)`);
    }
    const customer = await insertCustomer(h.db);
    await insertTickets(h, customer, 3, 'After');
    const restartedAt = Date.now();
    await expectInSync(e, e.client, 'after the log started again', 10_000);
    const after = e.stores.dashboard.getState();
    expect(Date.now() - restartedAt).toBeLessThan(10_000);
    expect(after.epoch).not.toBe(before.epoch);
    expect(after.cursor).toBeLessThan(before.cursor);
    expectContiguous(after.feed.items.map((i) => i.id), await visibleLog(e.client), 'after the restart');
    await waitFor(() => e!.stores.connection.getState().state === 'live', 'live after the restart', 30_000);
    // and it keeps moving: the next change arrives by push
    await insertTickets(h, customer, 1, 'Later');
    await expectInSync(e, e.client, 'live in the new epoch');
  });

  it.each([
    ['20 new rows', 20],
    ['a burst of 600 rows (more than one sync answer)', 600],
  ])('%s while "load older" is under way (a 1 s older page): no hole, then older pages join the window', async (_name, burst) => {
    h = await startLiveStack();
    // every older page takes a second on this link
    const slowOlder = (api: LiveApi): LiveApi => ({
      ...api,
      getActivityFeed: async (client, params) => {
        const page = await api.getActivityFeed(client, params);
        if (params.before !== undefined) await sleep(1_000);
        return page;
      },
    });
    e = await openEngine(h, ADMIN, {}, slowOlder);
    await waitFor(() => e!.stores.connection.getState().state === 'live', 'live');
    const customer = await insertCustomer(h.db);
    await insertTickets(h, customer, 250, 'Old');
    await expectInSync(e, e.client, 'a full window');
    expect(e.stores.dashboard.getState().feed).toMatchObject({ hasMore: true });
    expect(e.stores.dashboard.getState().feed.items).toHaveLength(100);

    e.engine.loadOlderActivity();
    await sleep(100);
    for (let i = 0; i < Math.min(burst, 20); i++) await insertTickets(h, customer, 1, `New ${i}`);
    if (burst > 20) await insertTickets(h, customer, burst - 20, 'Burst');
    await waitFor(() => !e!.stores.dashboard.getState().feed.loadingOlder && e!.engine.isIdle(), 'the older page settled', 20_000);
    await sleep(300);
    const log = await visibleLog(e.client);
    const held = e.stores.dashboard.getState().feed.items.map((i) => i.id);
    expect(held[0]).toBe(log[0]);
    expectContiguous(held, log, 'after the burst');

    // scrolling on keeps joining at the window's oldest row
    for (let page = 0; page < 2; page++) {
      const n = e.stores.dashboard.getState().feed.items.length;
      e.engine.loadOlderActivity();
      await waitFor(() => e!.stores.dashboard.getState().feed.items.length > n, `older page ${page + 1}`, 20_000);
      const ids = e.stores.dashboard.getState().feed.items.map((i) => i.id);
      expectContiguous(ids, await visibleLog(e.client), `after older page ${page + 1}`);
      expect(ids[0]).toBe((await visibleLog(e.client, 1))[0]);
    }
  });
});
