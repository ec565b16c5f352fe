import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { revenueWindow } from '@/live/revenue-window';
import type { LiveApi } from '@/live/live-api';
import {
  ADMIN,
  expectInSync,
  insertCustomer,
  insertPaidOrder,
  insertProduct,
  insertTicket,
  liveApi,
  openEngine,
  sleep,
  socketOf,
  startLiveStack,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

// Issue 17, cases 1-3, in broadcast mode with the real stack and the real supabase-js (delta
// contract v2, docs/delta-contract.md): a repair sync overtaken by a delta is rebased on, not
// dropped; a lost delta without rows is seen at the next delta; ids and numbers reissued under the
// same epoch reset the feed at the next delta. No timer sync runs during these tests.

const NO_TIMER = { transport: 'broadcast' as const, broadcastRefreshMs: 600_000, kpiRefreshMs: 600_000 };
const syncCalls = (e: EngineUnderTest, from = 0) => e.calls.slice(from).filter((c) => c.fn === 'syncDashboard').length;
const deltasSeen = (e: EngineUnderTest, from = 0) => e.calls.slice(from).filter((c) => c.fn === 'parseDashboardDelta').length;

async function revenueNow(e: EngineUnderTest) {
  const held = e.stores.dashboard.getState().revenue;
  const w = revenueWindow(held.range, Date.now());
  const direct = await liveApi.syncDashboard(e.client, { after: null, epoch: null, limit: 1, revenueFrom: w.from, bucket: w.bucket, tz: w.tz });
  return { held: JSON.stringify(held.data), db: JSON.stringify(direct.revenue) };
}

/** The held revenue series equals dashboard_sync's within `ms` (well before any timer sync). */
async function expectRevenueInSync(e: EngineUnderTest, what: string, ms = 8_000) {
  let last = { held: '', db: '' };
  await waitFor(
    async () => {
      last = await revenueNow(e);
      return last.held === last.db;
    },
    what,
    ms,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; held ${last.held.slice(-160)} db ${last.db.slice(-160)}`);
  });
}

/** The network loses the next message on the joined socket that `lost` picks (the engine never sees it). */
function loseNextMessage(e: EngineUnderTest, lost: (text: string) => boolean): { lost: () => boolean } {
  const ws = socketOf(e.client)! as unknown as { onmessage: (event: { data: unknown }) => void };
  const deliver = ws.onmessage;
  let done = false;
  ws.onmessage = (event) => {
    const text = typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
    if (!done && lost(text)) {
      done = true;
      return;
    }
    deliver(event);
  };
  return { lost: () => done };
}

async function addUnit(h: LiveStack, orderId: string) {
  await h.db.query('update order_items set quantity = quantity + 1 where order_id = $1', [orderId]);
}

describe('delta contract v2 in broadcast mode (issue 17 cases 1-3)', () => {
  let h: LiveStack;
  let engine: EngineUnderTest | null = null;
  let customer: string;
  let product: string;

  beforeAll(async () => {
    h = await startLiveStack();
    customer = await insertCustomer(h.db);
    product = await insertProduct(h.db);
  });
  afterEach(async () => {
    await engine?.close();
    engine = null;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('case 1: a resume sync overtaken by a new ticket’s delta is the base, and the delta is applied on it', async () => {
    let armed = false;
    let hookRan = false;
    const joined = () => engine?.client.getChannels()[0]?.state === 'joined';
    // the network: the answer of the first sync sent on a joined channel after arming comes back
    // only once a ticket committed after its snapshot has been delivered
    const wrap = (api: LiveApi): LiveApi => ({
      ...api,
      async syncDashboard(client, params) {
        const hold = armed && joined();
        const answer = await api.syncDashboard(client, params);
        if (hold) {
          armed = false;
          const seen = deltasSeen(engine!);
          await insertTicket(h.db, customer, 'Within the round trip');
          await waitFor(() => deltasSeen(engine!) > seen, 'the ticket’s delta before the answer');
          await sleep(50);
          hookRan = true;
        }
        return answer;
      },
    });
    const order = await insertPaidOrder(h.db, customer, product);
    engine = await openEngine(h, ADMIN, NO_TIMER, wrap);
    await waitFor(() => engine!.stores.connection.getState().state === 'live', 'live');
    await expectRevenueInSync(engine, 'the starting revenue');

    engine.engine.pause();
    await sleep(200);
    await addUnit(h, order); // a paid order's line edited while paused: no activity row
    armed = true;
    engine.engine.resume();
    await waitFor(() => hookRan, 'the resume sync overtaken by the ticket');
    await expectRevenueInSync(engine, 'the revenue series with the unit added while paused');
    await expectInSync(engine, engine.client, 'feed and KPIs');
  });

  it('case 2: a lost delta without rows is detected at the next delta, not by a timer', async () => {
    const order = await insertPaidOrder(h.db, customer, product);
    engine = await openEngine(h, ADMIN, NO_TIMER);
    await waitFor(() => engine!.stores.connection.getState().state === 'live', 'live');
    await expectRevenueInSync(engine, 'the starting revenue');
    // a delta without rows: the line edit's
    const lose = loseNextMessage(engine, (text) => text.includes('realtime:dashboard:admin') && /"feed":\s*\[\]/.test(text));
    const before = syncCalls(engine);
    await addUnit(h, order);
    await waitFor(() => lose.lost(), 'the line edit’s delta lost');
    await sleep(300);
    expect((await revenueNow(engine)).held).not.toBe((await revenueNow(engine)).db); // the chart misses the unit
    expect(syncCalls(engine)).toBe(before);

    await insertTicket(h.db, customer, 'The next delta');
    await expectRevenueInSync(engine, 'the revenue series repaired at the next delta', 5_000);
    expect(syncCalls(engine)).toBeGreaterThan(before); // one sync, asked for by the gap in seq
    await expectInSync(engine, engine.client, 'feed and KPIs');
  });

  it('case 3: ids and numbers reissued under the same epoch (a restore while joined) reset the feed at the next delta', async () => {
    engine = await openEngine(h, ADMIN, NO_TIMER);
    await waitFor(() => engine!.stores.connection.getState().state === 'live', 'live');
    const { rows } = await h.db.query<{ id: string; seq: string; epoch: string }>(
      `select coalesce(max(a.id), 0)::text as id, (select last_value from private.dashboard_delta_seq_admin)::text as seq,
              private.activity_epoch() as epoch from public.activity_log a`,
    );
    const restorePoint = rows[0]!;
    for (let i = 0; i < 3; i++) await insertTicket(h.db, customer, `Before the restore ${i}`);
    await expectInSync(engine, engine.client, 'the three tickets held');
    const held = engine.stores.dashboard.getState().cursor;
    expect(held).toBe(Number(restorePoint.id) + 3);

    // a point-in-time restore (or a failover to a lagging replica): the log and the delta numbers
    // go back to the restore point; the epoch does not change, the sockets stay joined
    await h.db.transaction(async (tx) => {
      await tx.query('delete from public.activity_log where id > $1', [restorePoint.id]);
      await tx.query(`select setval('private.activity_log_id_seq', $1)`, [restorePoint.id]);
      await tx.query(`delete from private.dashboard_delta_heads where topic = 'dashboard:admin' and seq > $1`, [restorePoint.seq]);
      await tx.query(`select setval('private.dashboard_delta_seq_admin', $1)`, [restorePoint.seq]);
    });
    const { rows: epochAfter } = await h.db.query<{ epoch: string }>('select private.activity_epoch() as epoch');
    expect(epochAfter[0]!.epoch).toBe(restorePoint.epoch);

    // the new log reissues the ids (and the numbers) the engine holds, and passes them
    const fresh: string[] = [];
    for (let i = 0; i < 4; i++) {
      fresh.push(await insertTicket(h.db, customer, `After the restore ${i}`));
      await sleep(100);
    }
    let last = '';
    await waitFor(
      async () => {
        const mine = engine!.stores.dashboard.getState().feed.items.slice(0, 6).map((i) => `${i.id}:${i.entityId}`);
        const direct = (await liveApi.getActivityFeed(engine!.client, { limit: 6 })).items.map((i) => `${i.id}:${i.entityId}`);
        last = JSON.stringify({ mine, direct });
        return mine.join() === direct.join();
      },
      'the feed is the new log’s',
      8_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; ${last}`);
    });
    expect(engine.stores.dashboard.getState().feed.items[0]!.entityId).toBe(fresh.at(-1));
    await expectInSync(engine, engine.client, 'feed and KPIs after the restore');
  });
});
