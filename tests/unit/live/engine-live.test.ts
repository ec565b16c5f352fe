import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { change, settle, setupEngine } from './fakes';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

async function liveEngine(opts: Parameters<typeof setupEngine>[0] = {}) {
  const setup = setupEngine(opts);
  setup.engine.start();
  await settle();
  setup.client.readyAll();
  await settle(100);
  expect(setup.stores.connection.getState().state).toBe('live');
  await settle(600); // past the minimum gap between two catch-ups
  setup.db.calls.length = 0;
  return setup;
}

describe('live engine: live changes', () => {
  it('catches up from the cursor on a change: p_after = cursor, then KPIs and ticket statuses', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    db.addTicket();
    client.openFor('tickets').change(change('tickets', 'INSERT', 'a'));
    await settle(100);
    expect(db.calls.find((c) => c.fn === 'activity_feed')?.params).toEqual({ after: 0, limit: 500 });
    expect(new Set(db.calls.map((c) => c.fn))).toEqual(new Set(['activity_feed', 'dashboard_kpis', 'ticket_status_breakdown']));
    const state = stores.dashboard.getState();
    expect(state.feed.items.map((i) => i.id)).toEqual([2, 1]);
    expect(state.cursor).toBe(2);
    expect(state.kpis.data?.activeRepairs).toBe(2);
    db.calls.length = 0;
    db.addActivity('product_updated', 'product');
    client.openFor('products').change(change('products', 'UPDATE', 'p'));
    await settle(600);
    expect(db.calls).toEqual([{ fn: 'activity_feed', params: { after: 2, limit: 500 } }]);
    engine.stop();
  });

  it('an orders change refreshes the revenue series as well', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.revenueCents = 4_200;
    db.addActivity('order_placed', 'order');
    client.openFor('orders').change(change('orders'));
    await settle(100);
    expect(db.count('revenue_series')).toBe(1);
    expect(stores.dashboard.getState().revenue.data?.at(-1)?.revenueCents).toBe(4_200);
    engine.stop();
  });

  it('coalesces a burst of 10,000 events into a few bounded catch-ups', async () => {
    const { engine, client, db, stores } = await liveEngine();
    const tickets = client.openFor('tickets');
    for (let i = 0; i < 10_000; i++) {
      db.addTicket();
      tickets.change(change('tickets', 'INSERT', `t${i}`, Date.now() - 50));
    }
    await settle(2_000);
    expect(db.count('activity_feed')).toBeLessThanOrEqual(4);
    expect(db.count('dashboard_kpis')).toBeLessThanOrEqual(2);
    const state = stores.dashboard.getState();
    expect(state.cursor).toBe(10_000);
    expect(state.feed.items).toHaveLength(100);
    expect(state.feed.items[0]?.id).toBe(10_000);
    expect(stores.connection.getState().eventsReceived).toBe(10_000);
    expect(stores.connection.getState().lastCommitToScreenMs).not.toBeNull();
    engine.stop();
  });

  it('keeps RPCs per second bounded under a steady stream of events', async () => {
    const { engine, client, db } = await liveEngine();
    const tickets = client.openFor('tickets');
    for (let ms = 0; ms < 10_000; ms += 10) {
      db.addTicket();
      tickets.change(change('tickets', 'INSERT', `t${ms}`));
      await settle(10);
    }
    await settle(1_000);
    // one catch-up (≤ 3 RPCs for a tickets change) per 500 ms at most
    expect(db.calls.length).toBeLessThanOrEqual((11_000 / 500 + 1) * 3);
    engine.stop();
  });

  it('dedupes and orders by id whatever order payloads and pages arrive in', async () => {
    const { engine, client, db, stores } = await liveEngine();
    for (let i = 0; i < 5; i++) db.addTicket();
    const tickets = client.openFor('tickets');
    tickets.change(change('tickets', 'INSERT', 'x', Date.now() - 10));
    tickets.change(change('tickets', 'INSERT', 'x', Date.now() - 10));
    tickets.change(change('tickets', 'INSERT', 'y', Date.now() - 500));
    await settle(100);
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([5, 4, 3, 2, 1]);
    expect(stores.connection.getState()).toMatchObject({ eventsReceived: 2, droppedPayloads: 1 });
    engine.stop();
  });

  it('counts malformed payloads and never lets them crash or corrupt the store', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    const tickets = client.openFor('tickets');
    tickets.change(null);
    tickets.change('garbage');
    tickets.change({ table: 'tickets', eventType: 'TRUNCATE' });
    tickets.change({ table: 'secrets', eventType: 'INSERT' });
    tickets.change({ table: 'tickets', eventType: 'INSERT', commit_timestamp: 'not a date' });
    await settle(1_000);
    expect(stores.connection.getState().droppedPayloads).toBe(5);
    expect(db.count('activity_feed')).toBe(0);
    expect(stores.dashboard.getState().feed.items).toHaveLength(0);
    tickets.change(change('tickets'));
    await settle(100);
    expect(stores.dashboard.getState().feed.items).toHaveLength(1);
    engine.stop();
  });

  it('counts RPC errors, keeps what is shown, and retry() fetches again', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    db.failing.add('dashboard_kpis');
    client.openFor('tickets').change(change('tickets'));
    await settle(100);
    const conn = stores.connection.getState();
    expect(conn.rpcErrors).toBe(1);
    expect(conn.lastError).toMatch(/kpis/);
    expect(conn.state).toBe('live');
    expect(stores.dashboard.getState().kpis).toMatchObject({ status: 'ready', error: 'dashboard_kpis failed' });
    expect(stores.dashboard.getState().feed.items).toHaveLength(1);
    db.failing.clear();
    engine.retry('kpis');
    await settle(600);
    expect(stores.dashboard.getState().kpis).toMatchObject({ status: 'ready', error: null, data: { activeRepairs: 1 } });
    engine.stop();
  });

  it('a first load that fails shows the error, and retry recovers', async () => {
    const setup = setupEngine();
    setup.db.failing.add('ticket_status_breakdown');
    setup.engine.start();
    await settle();
    setup.client.readyAll();
    await settle(100);
    expect(setup.stores.dashboard.getState().ticketStatus).toMatchObject({ status: 'error', data: null });
    setup.db.failing.clear();
    setup.engine.retry('ticketStatus');
    expect(setup.stores.dashboard.getState().ticketStatus.status).toBe('error');
    await settle(600);
    expect(setup.stores.dashboard.getState().ticketStatus.status).toBe('ready');
    setup.engine.stop();
  });

  it('replaces the feed with the newest page when it is more than a page behind', async () => {
    const { engine, client, db, stores } = await liveEngine({ options: { catchUpPageSize: 50 } });
    for (let i = 0; i < 120; i++) db.addTicket();
    client.openFor('tickets').change(change('tickets'));
    await settle(100);
    const state = stores.dashboard.getState();
    expect(state.cursor).toBe(120);
    expect(state.feed.items.map((i) => i.id)).toEqual(Array.from({ length: 100 }, (_, i) => 120 - i));
    expect(state.feed.hasMore).toBe(true);
    engine.stop();
  });

  it('loads older pages on demand, beyond the live cap', async () => {
    const setup = setupEngine();
    for (let i = 0; i < 180; i++) setup.db.addTicket();
    setup.engine.start();
    await settle();
    setup.client.readyAll();
    await settle(100);
    expect(setup.stores.dashboard.getState().feed).toMatchObject({ hasMore: true });
    expect(setup.stores.dashboard.getState().feed.items).toHaveLength(100);
    setup.engine.loadOlderActivity();
    await settle(100);
    const feed = setup.stores.dashboard.getState().feed;
    expect(feed.items).toHaveLength(150);
    expect(feed.items.at(-1)?.id).toBe(31);
    expect(feed.loadingOlder).toBe(false);
    setup.engine.stop();
  });

  it('notifies store subscribers at most once per frame', async () => {
    const { engine, client, db, stores } = await liveEngine();
    const notifyTimes: number[] = [];
    const unsub = stores.connection.subscribe(() => notifyTimes.push(Date.now()));
    const tickets = client.openFor('tickets');
    for (let i = 0; i < 1_000; i++) {
      db.addTicket();
      tickets.change(change('tickets', 'INSERT', `t${i}`));
    }
    await settle(16);
    expect(notifyTimes).toHaveLength(1);
    expect(stores.connection.getState().eventsReceived).toBe(1_000);
    unsub();
    engine.stop();
  });

  it('a KPI read that shows activity the feed has not seen triggers a feed catch-up', async () => {
    const { engine, db, stores } = await liveEngine();
    db.addTicket(); // no event delivered for it
    await settle(31_000);
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    engine.stop();
  });
});

describe('live engine: time', () => {
  it('New Tickets 24 h drops within a minute of a ticket turning 24 h old, with no events', async () => {
    const setup = setupEngine();
    setup.db.tickets.push({ createdAt: Date.now() - 24 * 3_600_000 + 20_000, status: 'open' });
    setup.engine.start();
    await settle();
    setup.client.readyAll();
    await settle(100);
    expect(setup.stores.dashboard.getState().kpis.data?.newTickets24h).toBe(1);
    await settle(80_000);
    expect(setup.stores.dashboard.getState().kpis.data?.newTickets24h).toBe(0);
    setup.engine.stop();
  });

  it('rolls the revenue series to a new bucket at the boundary, with no events', async () => {
    const setup = setupEngine();
    setup.engine.start();
    setup.engine.setRevenueRange('24h');
    await settle();
    setup.client.readyAll();
    await settle(100);
    const before = setup.stores.dashboard.getState().revenue.data ?? [];
    expect(before.at(-1)?.bucketStart).toBe('2026-03-10T10:00:00.000Z');
    setup.db.failing.add('revenue_series'); // the roll-over itself needs no request
    await settle(30 * 60_000 + 1_000);
    const after = setup.stores.dashboard.getState().revenue.data ?? [];
    expect(after).toHaveLength(24);
    expect(after.at(-1)).toEqual({ bucketStart: '2026-03-10T11:00:00.000Z', revenueCents: 0, ordersCount: 0 });
    expect(after[0]?.bucketStart).toBe(before[1]?.bucketStart);
    setup.engine.stop();
  });

  it('setRevenueRange loads the new range', async () => {
    const { engine, db, stores } = await liveEngine();
    engine.setRevenueRange('30d');
    expect(engine.peek().data.revenue).toMatchObject({ status: 'loading', range: '30d', data: null });
    await settle(100);
    expect(db.calls.find((c) => c.fn === 'revenue_series')?.params).toMatchObject({ bucket: 'day' });
    expect(stores.dashboard.getState().revenue.data).toHaveLength(30);
    engine.stop();
  });
});
