import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { change, liveEngine, settle, setupEngine } from './fakes';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

const syncs = (db: { calls: { fn: string; params: unknown }[] }) =>
  db.calls.filter((c) => c.fn === 'dashboard_sync').map((c) => c.params as Record<string, unknown>);

describe('live engine: live changes', () => {
  it('a change while idle syncs at once: one dashboard_sync from the cursor and the epoch', async () => {
    const { engine, client, db, stores, api } = await liveEngine();
    db.addTicket();
    db.addTicket();
    const before = vi.mocked(api.syncDashboard).mock.calls.length;
    client.openFor('tickets').change(change('tickets', 'INSERT', 'a'));
    // leading edge: the call starts in the same turn as the event
    expect(vi.mocked(api.syncDashboard).mock.calls.length).toBe(before + 1);
    await settle(20);
    expect(db.calls.map((c) => c.fn)).toEqual(['dashboard_sync']);
    await settle(20);
    expect(syncs(db)[0]).toMatchObject({ after: 0, epoch: 'epoch-1', limit: 100, bucket: 'day' });
    const state = stores.dashboard.getState();
    expect(state.feed.items.map((i) => i.id)).toEqual([2, 1]);
    expect(state).toMatchObject({ cursor: 2, epoch: 'epoch-1', ticketAging: [{ bucket: '0-1d', count: 2 }] });
    expect(state.kpis.data?.activeRepairs).toBe(2);
    expect(state.ticketStatus.data).toEqual([{ status: 'open', count: 2 }]);
    db.calls.length = 0;
    db.addActivity('product_updated', 'product');
    client.openFor('products').change(change('products', 'UPDATE', 'p'));
    await settle(20);
    expect(syncs(db)).toHaveLength(1);
    expect(syncs(db)[0]).toMatchObject({ after: 2, epoch: 'epoch-1' });
    engine.stop();
  });

  it('an orders change brings the revenue series in the same sync', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.revenueCents = 4_200;
    db.addActivity('order_placed', 'order');
    client.openFor('orders').change(change('orders'));
    await settle(20);
    expect(db.calls.map((c) => c.fn)).toEqual(['dashboard_sync']);
    expect(stores.dashboard.getState().revenue.data?.at(-1)?.revenueCents).toBe(4_200);
    expect(stores.dashboard.getState().kpis.data?.totalRevenueCents).toBe(4_200);
    engine.stop();
  });

  it('coalesces a burst of 10,000 events into a few syncs', async () => {
    const { engine, client, db, stores } = await liveEngine();
    const tickets = client.openFor('tickets');
    for (let i = 0; i < 10_000; i++) {
      db.addTicket();
      tickets.change(change('tickets', 'INSERT', `t${i}`, Date.now() - 50));
    }
    await settle(2_000);
    // the first event syncs at once; the other 9,999 arrive while it is in flight: one more
    expect(db.count('dashboard_sync')).toBeLessThanOrEqual(3);
    const state = stores.dashboard.getState();
    expect(state.cursor).toBe(10_000);
    expect(state.feed.items).toHaveLength(100);
    expect(state.feed.items[0]?.id).toBe(10_000);
    expect(state.feed.hasMore).toBe(true);
    expect(stores.connection.getState().eventsReceived).toBe(10_000);
    expect(stores.connection.getState().lastCommitToScreenMs).not.toBeNull();
    engine.stop();
  });

  it('keeps syncs per second within the token bucket under a steady stream of events', async () => {
    const { engine, client, db, stores } = await liveEngine();
    const tickets = client.openFor('tickets');
    for (let ms = 0; ms < 10_000; ms += 10) {
      db.addTicket();
      tickets.change(change('tickets', 'INSERT', `t${ms}`));
      await settle(10);
    }
    await settle(1_000);
    // burst of 4, then 3 a second: 11 s → at most 4 + 33
    expect(db.count('dashboard_sync')).toBeLessThanOrEqual(4 + 33);
    expect(db.count('dashboard_sync')).toBeGreaterThanOrEqual(25);
    expect(stores.dashboard.getState().cursor).toBe(1_000);
    engine.stop();
  });

  it('dedupes and orders by id whatever order payloads arrive in', async () => {
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
    expect(db.count('dashboard_sync')).toBe(0);
    expect(stores.dashboard.getState().feed.items).toHaveLength(0);
    tickets.change(change('tickets'));
    await settle(100);
    expect(stores.dashboard.getState().feed.items).toHaveLength(1);
    engine.stop();
  });

  it('a failed sync counts an error, keeps what is shown, stays live and retries by itself', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    db.failing.add('dashboard_sync');
    client.openFor('tickets').change(change('tickets'));
    await settle(20);
    const conn = stores.connection.getState();
    expect(conn).toMatchObject({ rpcErrors: 1, state: 'live', api: 'error' });
    expect(conn.lastError).toMatch(/sync: dashboard_sync failed/);
    expect(stores.dashboard.getState().kpis).toMatchObject({ status: 'ready', error: 'dashboard_sync failed' });
    db.failing.clear();
    await settle(400); // first retry after 250 ms ± 20 %
    expect(stores.dashboard.getState().kpis).toMatchObject({ status: 'ready', error: null, data: { activeRepairs: 1 } });
    expect(stores.dashboard.getState().feed.items).toHaveLength(1);
    expect(stores.connection.getState()).toMatchObject({ api: 'ok', state: 'live', lastError: null });
    engine.stop();
  });

  it('a first load that fails shows the error everywhere, and retry recovers', async () => {
    const setup = setupEngine({ options: { syncRetryDelaysMs: [60_000] } });
    setup.db.failing.add('dashboard_sync');
    setup.engine.start();
    await settle();
    setup.client.readyAll();
    await settle(100);
    const data = setup.stores.dashboard.getState();
    expect(data.ticketStatus).toMatchObject({ status: 'error', data: null });
    expect(data.kpis).toMatchObject({ status: 'error', data: null });
    expect(data.feed).toMatchObject({ status: 'error' });
    expect(setup.stores.connection.getState().state).toBe('connecting');
    setup.db.failing.clear();
    setup.engine.retry('ticketStatus');
    expect(setup.engine.peek().data.ticketStatus.status).toBe('loading');
    await settle(100);
    expect(setup.stores.dashboard.getState().ticketStatus.status).toBe('ready');
    expect(setup.stores.connection.getState().state).toBe('live');
    setup.engine.stop();
  });

  it('more rows after the cursor than one answer holds (feed_complete = false): the answer replaces the feed', async () => {
    const { engine, client, db, stores } = await liveEngine({ options: { syncPageSize: 50 } });
    db.addTicket();
    client.openFor('tickets').change(change('tickets'));
    await settle(10);
    const held = stores.dashboard.getState().feed.generation;
    for (let i = 0; i < 120; i++) db.addTicket();
    client.openFor('tickets').change(change('tickets', 'INSERT', 2));
    await settle(10);
    const state = stores.dashboard.getState();
    expect(state.cursor).toBe(121);
    expect(state.feed.items.map((i) => i.id)).toEqual(Array.from({ length: 50 }, (_, i) => 121 - i));
    expect(state.feed).toMatchObject({ hasMore: true, generation: held + 1 });
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
    expect(setup.db.calls.find((c) => c.fn === 'activity_feed')?.params).toEqual({ before: 81, limit: 50 });
    expect(feed.items).toHaveLength(150);
    expect(feed.items.at(-1)?.id).toBe(31);
    expect(feed.loadingOlder).toBe(false);
    expect(feed.hasMore).toBe(true);
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

  it('a missed event is repaired everywhere by the next timed sync: feed, KPIs, ticket statuses, aging, revenue', async () => {
    const { engine, db, stores } = await liveEngine();
    db.addTicket(); // no event delivered for it
    db.revenueCents = 900;
    await settle(31_000);
    const state = stores.dashboard.getState();
    expect(state.feed.items.map((i) => i.id)).toEqual([1]);
    expect(state.kpis.data).toMatchObject({ activeRepairs: 1, totalRevenueCents: 900 });
    expect(state.ticketStatus.data).toEqual([{ status: 'open', count: 1 }]);
    expect(state.ticketAging).toEqual([{ bucket: '0-1d', count: 1 }]);
    expect(state.revenue.data?.at(-1)?.revenueCents).toBe(900);
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
    setup.db.failing.add('dashboard_sync'); // the roll-over itself needs no request
    await settle(30 * 60_000 + 1_000);
    const after = setup.stores.dashboard.getState().revenue.data ?? [];
    expect(after).toHaveLength(24);
    expect(after.at(-1)).toEqual({ bucketStart: '2026-03-10T11:00:00.000Z', revenueCents: 0, ordersCount: 0 });
    expect(after[0]?.bucketStart).toBe(before[1]?.bucketStart);
    setup.engine.stop();
  });

  it('setRevenueRange syncs with the new range', async () => {
    const { engine, db, stores } = await liveEngine();
    engine.setRevenueRange('30d');
    expect(engine.peek().data.revenue).toMatchObject({ status: 'loading', range: '30d', data: null });
    await settle(100);
    expect(syncs(db)[0]).toMatchObject({ bucket: 'day' });
    expect(stores.dashboard.getState().revenue.data).toHaveLength(30);
    engine.stop();
  });
});
