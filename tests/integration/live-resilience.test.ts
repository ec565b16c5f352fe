import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState } from '@/live/types';
import {
  ADMIN,
  expectInSync,
  insertCustomer,
  insertTicket,
  openEngine,
  sleep,
  socketOf,
  startLiveStack,
  SUPPORT,
  TEST_TRANSPORT,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

function recordStates(e: EngineUnderTest): ConnectionState[] {
  const states: ConnectionState[] = [e.stores.connection.getState().state];
  e.stores.connection.subscribe((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  return states;
}

function expectNoDuplicates(ids: number[]) {
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort((a, b) => b - a)).toEqual(ids);
}

describe('live engine against the local stack: failures', () => {
  let h: LiveStack;
  let admin: EngineUnderTest;
  let support: EngineUnderTest;

  beforeAll(async () => {
    h = await startLiveStack();
    admin = await openEngine(h, ADMIN);
    support = await openEngine(h, SUPPORT);
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'admin live');
    await waitFor(() => support.stores.connection.getState().state === 'live', 'support live');
  });
  afterAll(async () => {
    await admin?.close();
    await support?.close();
    await h?.close();
  });

  it('realtime connection killed while changes keep coming → polling → reconnect → live, nothing missing or repeated', async () => {
    const states = recordStates(admin);
    const customer = await insertCustomer(h.db);
    const seen = new Set<number>();
    const unsub = admin.stores.dashboard.subscribe((s) => s.feed.items.forEach((i) => seen.add(i.id)));
    const writes = (async () => {
      for (let i = 0; i < 40; i++) {
        await insertTicket(h.db, customer, `Kill ${i}`);
        await sleep(50);
      }
    })();
    await sleep(400);
    const socket = socketOf(admin.client);
    expect(socket).not.toBeNull();
    socket?.terminate();
    await writes;
    await waitFor(() => states.includes('polling'), 'polling after the socket died');
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'live again', 30_000);
    const ids = await expectInSync(admin, admin.client, 'admin after the outage');
    unsub();
    expectNoDuplicates(ids);
    // every activity id written meanwhile passed through the feed
    const first = Math.min(...[...seen].filter((id) => id > 0));
    const newest = ids[0] ?? 0;
    for (let id = Math.max(first, newest - 40); id <= newest; id++) expect(seen.has(id)).toBe(true);
    expect(states.slice(states.indexOf('polling'))).toContain('live');
    expect(admin.stores.connection.getState().reconnectAttempts).toBe(0);
    // live again means pushes, not polls
    const polls = admin.stores.connection.getState().pollsMade;
    await insertTicket(h.db, customer, 'After');
    await expectInSync(admin, admin.client, 'admin after reconnecting');
    expect(admin.stores.connection.getState().pollsMade).toBe(polls);
    await expectInSync(support, support.client, 'support unaffected');
  });

  it('a burst of 1,000 changes: bounded syncs, feed and KPIs equal the database', async () => {
    const before = admin.stores.connection.getState();
    const customer = await insertCustomer(h.db);
    const started = Date.now();
    const callsBefore = admin.calls.length;
    await h.db.query(
      `insert into tickets (customer_id, device, issue) select $1, 'Burst ' || i, 'Burst' from generate_series(1, 1000) i`,
      [customer],
    );
    // postgres_changes: an event per row; broadcast: the statement's one delta (its newest 100 rows)
    const broadcast = TEST_TRANSPORT === 'broadcast';
    const events = broadcast ? 1 : 1000;
    await waitFor(() => admin.stores.connection.getState().eventsReceived - before.eventsReceived >= events, `${events} event(s)`, 60_000);
    const ids = await expectInSync(admin, admin.client, 'admin after the burst', 30_000);
    expectNoDuplicates(ids);
    // one call per sync, and the token bucket: a burst of 4, then at most 3 a second
    const syncs = admin.calls.slice(callsBefore).filter((c) => c.fn === 'syncDashboard');
    const seconds = (Date.now() - started) / 1000;
    if (broadcast) expect(syncs).toEqual([]);
    else expect(syncs.length).toBeGreaterThan(0);
    expect(syncs.length).toBeLessThanOrEqual(4 + Math.ceil(seconds * 3));
    expect(admin.calls.slice(callsBefore).filter((c) => c.fn !== 'syncDashboard' && c.fn !== 'parseDashboardDelta')).toEqual([]);
    expect(admin.stores.dashboard.getState().feed.items.length).toBeLessThanOrEqual(100);
    expect(admin.stores.connection.getState().state).toBe('live');
    await expectInSync(support, support.client, 'support after the burst', 30_000);
  });

  it('a stack restart: offline or polling while it is down, then live and in sync by itself', async () => {
    const states = recordStates(admin);
    await h.restart();
    const customer = await insertCustomer(h.db);
    await insertTicket(h.db, customer, 'After restart');
    await waitFor(() => admin.stores.connection.getState().state === 'live' && states.length > 1, 'live after the restart', 60_000);
    expect(states.some((s) => s === 'polling' || s === 'offline')).toBe(true);
    const ids = await expectInSync(admin, admin.client, 'admin after the restart', 30_000);
    expectNoDuplicates(ids);
    await insertTicket(h.db, customer, 'After restart 2');
    await expectInSync(admin, admin.client, 'admin live after the restart');
    await waitFor(() => support.stores.connection.getState().state === 'live', 'support live after the restart', 60_000);
    await expectInSync(support, support.client, 'support after the restart');
  });
});
