import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState } from '@/live/types';
import { revenueWindow } from '@/live/revenue-window';
import {
  ADMIN,
  expectInSync,
  insertCustomer,
  insertPaidOrder,
  insertProduct,
  insertTicket,
  liveApi,
  openEngine,
  setTicketStatus,
  sleep,
  socketOf,
  startLiveStack,
  SUPPORT,
  updateCustomer,
  updateProduct,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

// The engine in broadcast mode against the whole local stack with the real supabase-js: the leader
// joins its role's private topic, applies the database's deltas without reading, and stays equal
// to dashboard_sync through bursts, a socket cut and a stack restart.

const syncCalls = (e: EngineUnderTest, from = 0) => e.calls.slice(from).filter((c) => c.fn === 'syncDashboard').length;
const deltasSeen = (e: EngineUnderTest, from = 0) => e.calls.slice(from).filter((c) => c.fn === 'parseDashboardDelta').length;

function recordStates(e: EngineUnderTest): ConnectionState[] {
  const states: ConnectionState[] = [e.stores.connection.getState().state];
  e.stores.connection.subscribe((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  return states;
}

/** The engine's revenue series equals what dashboard_sync answers for the same range now. */
async function expectRevenueInSync(e: EngineUnderTest, what: string) {
  let last = '';
  await waitFor(
    async () => {
      const held = e.stores.dashboard.getState().revenue;
      const w = revenueWindow(held.range, Date.now());
      const direct = await liveApi.syncDashboard(e.client, { after: null, epoch: null, limit: 1, revenueFrom: w.from, bucket: w.bucket, tz: w.tz });
      last = JSON.stringify({ held: held.data?.slice(-3), db: direct.revenue?.slice(-3) });
      return JSON.stringify(held.data) === JSON.stringify(direct.revenue);
    },
    what,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last seen ${last}`);
  });
}

describe('live engine in broadcast mode against the local stack', () => {
  let h: LiveStack;
  let admin: EngineUnderTest;
  let support: EngineUnderTest;

  beforeAll(async () => {
    h = await startLiveStack();
    admin = await openEngine(h, ADMIN, { transport: 'broadcast' });
    support = await openEngine(h, SUPPORT, { transport: 'broadcast' });
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'admin live');
    await waitFor(() => support.stores.connection.getState().state === 'live', 'support live');
  });
  afterAll(async () => {
    await admin?.close();
    await support?.close();
    await h?.close();
  });

  it('joins only its role’s private topic and starts equal to dashboard_sync', async () => {
    expect(admin.client.getChannels().map((c) => [c.topic, c.params.config.private])).toEqual([['realtime:dashboard:admin', true]]);
    expect(support.client.getChannels().map((c) => [c.topic, c.params.config.private])).toEqual([['realtime:dashboard:support', true]]);
    await expectInSync(admin, admin.client, 'the admin snapshot');
    await expectInSync(support, support.client, 'the support snapshot');
    await expectRevenueInSync(admin, 'the admin revenue');
  });

  it('steady changes on all four tables: applied from the deltas with zero dashboard_sync calls', async () => {
    const adminFrom = admin.calls.length;
    const supportFrom = support.calls.length;
    const customer = await insertCustomer(h.db);
    const product = await insertProduct(h.db);
    for (let i = 0; i < 6; i++) {
      const ticket = await insertTicket(h.db, customer, `Steady ${i}`);
      await setTicketStatus(h.db, ticket, 'in_progress');
      await insertPaidOrder(h.db, customer, product);
      await updateProduct(h.db, product);
      await updateCustomer(h.db, customer);
      await sleep(30);
    }
    await expectInSync(admin, admin.client, 'admin after steady changes');
    await expectInSync(support, support.client, 'support after steady changes');
    await expectRevenueInSync(admin, 'admin revenue after steady changes');
    expect(syncCalls(admin, adminFrom)).toBe(0);
    expect(syncCalls(support, supportFrom)).toBe(0);
    expect(admin.calls.slice(adminFrom).filter((c) => c.fn !== 'parseDashboardDelta')).toEqual([]);
    expect(deltasSeen(admin, adminFrom)).toBeGreaterThanOrEqual(6 * 5);
    // support gets no delta for an order-only transaction, and never an order row
    expect(deltasSeen(support, supportFrom)).toBeLessThan(deltasSeen(admin, adminFrom));
    expect(support.stores.dashboard.getState().feed.items.some((i) => i.entityType === 'order')).toBe(false);
    expect(support.stores.dashboard.getState().kpis.data?.totalRevenueCents).toBeNull();
    expect(admin.stores.connection.getState().state).toBe('live');
    expect(admin.stores.connection.getState().lastCommitToScreenMs).not.toBeNull();
  });

  it('bursts of concurrent writers and one bulk statement: equal to dashboard_sync, few or no syncs', async () => {
    const from = admin.calls.length;
    const customer = await insertCustomer(h.db);
    const product = await insertProduct(h.db);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? insertPaidOrder(h.db, customer, product) : insertTicket(h.db, customer, `Burst ${i}`))),
    );
    await h.db.query(`insert into tickets (customer_id, device, issue) select $1, 'Bulk ' || i, 'Bulk' from generate_series(1, 300) i`, [customer]);
    await expectInSync(admin, admin.client, 'admin after the bursts', 30_000);
    await expectInSync(support, support.client, 'support after the bursts', 30_000);
    await expectRevenueInSync(admin, 'admin revenue after the bursts');
    // 300 rows in one transaction are more than a delta holds: the window is its newest rows
    expect(admin.stores.dashboard.getState().feed.hasMore).toBe(true);
    // deltas arrive in commit order, each right after the one before: nothing to repair
    expect(syncCalls(admin, from)).toBe(0);
  });

  it('a socket cut while changes keep coming → polling → rejoin and catch up, then deltas again', async () => {
    const states = recordStates(admin);
    const customer = await insertCustomer(h.db);
    const product = await insertProduct(h.db);
    const writes = (async () => {
      for (let i = 0; i < 30; i++) {
        if (i % 5 === 0) await insertPaidOrder(h.db, customer, product);
        else await insertTicket(h.db, customer, `Cut ${i}`);
        await sleep(40);
      }
    })();
    await sleep(300);
    socketOf(admin.client)?.terminate();
    await writes;
    await waitFor(() => states.includes('polling'), 'polling after the socket died');
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'live again', 30_000);
    await expectInSync(admin, admin.client, 'admin after the cut');
    await expectRevenueInSync(admin, 'admin revenue after the cut');
    const from = admin.calls.length;
    await insertTicket(h.db, customer, 'After the cut');
    await insertPaidOrder(h.db, customer, product);
    await expectInSync(admin, admin.client, 'admin live after the cut');
    await expectRevenueInSync(admin, 'admin revenue live after the cut');
    expect(syncCalls(admin, from)).toBe(0);
    await expectInSync(support, support.client, 'support unaffected by the admin’s cut');
  });

  it('a stack restart: polling or offline meanwhile, then live by itself and equal again', async () => {
    const states = recordStates(admin);
    await h.restart();
    const customer = await insertCustomer(h.db);
    const product = await insertProduct(h.db);
    await insertTicket(h.db, customer, 'After restart');
    await insertPaidOrder(h.db, customer, product);
    await waitFor(() => admin.stores.connection.getState().state === 'live' && states.length > 1, 'admin live after the restart', 60_000);
    expect(states.some((s) => s === 'polling' || s === 'offline')).toBe(true);
    await expectInSync(admin, admin.client, 'admin after the restart', 30_000);
    await waitFor(() => support.stores.connection.getState().state === 'live', 'support live after the restart', 60_000);
    await expectInSync(support, support.client, 'support after the restart', 30_000);
    const from = admin.calls.length;
    await insertTicket(h.db, customer, 'After restart 2');
    await insertPaidOrder(h.db, customer, product);
    await expectInSync(admin, admin.client, 'admin live after the restart');
    await expectRevenueInSync(admin, 'admin revenue after the restart');
    expect(syncCalls(admin, from)).toBe(0);
  });
});
