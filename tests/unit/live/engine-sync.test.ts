import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { syncMode } from '@/live/sync-runner';
import type { SyncParams, SyncSnapshot } from '@/live/types';
import { change, liveEngine, settle, setupEngine } from './fakes';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

type Setup = Awaited<ReturnType<typeof liveEngine>>;
const syncParams = (s: Setup) => s.db.calls.filter((c) => c.fn === 'dashboard_sync').map((c) => c.params as SyncParams);
const ids = (s: Setup) => s.stores.dashboard.getState().feed.items.map((i) => i.id);
const push = (s: Setup) => s.client.openFor('tickets').change(change('tickets', 'INSERT', `t${s.db.activity.length}`));

async function withRows(n: number) {
  const s = await liveEngine();
  for (let i = 0; i < n; i++) s.db.addTicket();
  push(s);
  await settle(20);
  s.db.calls.length = 0;
  return s;
}

describe('live engine: epoch and reset', () => {
  it('a reset (new epoch, ids start again) replaces everything held with the snapshot in the answer, in one sync', async () => {
    const s = await withRows(30);
    s.db.resetLog();
    for (let i = 0; i < 5; i++) s.db.addTicket();
    push(s);
    await settle(20);
    const params = syncParams(s);
    expect(params[0]).toMatchObject({ after: 30, epoch: 'epoch-1' });
    // the server's reset answer is a fresh snapshot: no second sync for it
    expect(params).toHaveLength(1);
    const state = s.stores.dashboard.getState();
    expect(state).toMatchObject({ epoch: 'epoch-2', cursor: 5 });
    expect(ids(s)).toEqual([5, 4, 3, 2, 1]);
    expect(state.feed.hasMore).toBe(false);
    expect(state.kpis.data?.activeRepairs).toBe(5);
    expect(s.stores.connection.getState().state).toBe('live');
    // and it moves on in the new epoch
    s.db.addTicket();
    push(s);
    await settle(400);
    expect(syncParams(s).at(-1)).toMatchObject({ after: 5, epoch: 'epoch-2' });
    expect(ids(s)).toEqual([6, 5, 4, 3, 2, 1]);
    s.engine.stop();
  });

  it('ids going back under the same epoch (cursor below p_after) are treated as a reset', async () => {
    const s = await withRows(30);
    s.db.resetLog();
    s.db.epoch = 'epoch-1'; // a restore that kept the epoch row
    s.db.addTicket();
    s.db.addTicket();
    push(s);
    await settle(400);
    expect(ids(s)).toEqual([2, 1]);
    expect(s.stores.dashboard.getState().cursor).toBe(2);
    // the anchor row (id 30) is gone: the server flags the reset and its answer is the snapshot
    expect(syncParams(s).map((p) => p.after)).toEqual([30]);
    s.engine.stop();
  });

  it('ids reissued under the same epoch and up past the cursor: the anchor (p_after_at) makes it a reset', async () => {
    const s = await withRows(30);
    const held = s.stores.dashboard.getState().feed.items[0]!;
    expect(held.id).toBe(30);
    s.db.resetLog();
    s.db.epoch = 'epoch-1'; // a failover that kept the epoch row and reissued ids 1..32
    vi.setSystemTime(Date.now() + 60_000);
    for (let i = 0; i < 32; i++) s.db.addTicket();
    push(s);
    await settle(400);
    expect(syncParams(s)[0]).toMatchObject({ after: 30, afterAt: held.occurredAt, epoch: 'epoch-1' });
    const state = s.stores.dashboard.getState();
    expect(state.cursor).toBe(32);
    // every row held is the new log's: none of the old rows 1..30 is left under the new ids
    expect(ids(s)).toEqual(Array.from({ length: 32 }, (_, i) => 32 - i));
    expect(state.feed.items.every((i) => Date.parse(i.occurredAt) >= Date.parse(held.occurredAt) + 60_000)).toBe(true);
    s.engine.stop();
  });

  it('syncMode: a server reset takes the answer as the snapshot (hasMore = !feed_complete); only ids going back unflagged cost a second sync', () => {
    const p: SyncParams = { after: 30, epoch: 'e1', limit: 100, revenueFrom: null, bucket: 'day', tz: 'UTC' };
    const answer = (o: { reset: boolean; cursor: number; feedComplete: boolean }) => ({ ...o }) as unknown as SyncSnapshot;
    expect(syncMode(p, answer({ reset: true, cursor: 5, feedComplete: true }))).toEqual({ replace: true, hasMore: false, snapshotNext: false });
    expect(syncMode(p, answer({ reset: true, cursor: 500, feedComplete: false }))).toEqual({ replace: true, hasMore: true, snapshotNext: false });
    // no reset flag, but the cursor went below p_after (a server without the anchor, or the cursor row not held)
    expect(syncMode(p, answer({ reset: false, cursor: 5, feedComplete: true }))).toEqual({ replace: true, hasMore: true, snapshotNext: true });
    expect(syncMode(p, answer({ reset: false, cursor: 40, feedComplete: true }))).toEqual({ replace: false, hasMore: false, snapshotNext: false });
  });

  it('feed_complete = false: the answer is a fresh snapshot of the newest rows, with hasMore', async () => {
    const s = await withRows(10);
    for (let i = 0; i < 250; i++) s.db.addTicket();
    push(s);
    await settle(20);
    expect(syncParams(s)).toHaveLength(1);
    const state = s.stores.dashboard.getState();
    expect(ids(s)).toEqual(Array.from({ length: 100 }, (_, i) => 260 - i));
    expect(state).toMatchObject({ cursor: 260, feed: { hasMore: true } });
    expect(state.kpis.data?.activeRepairs).toBe(260);
    s.engine.stop();
  });
});

describe('live engine: health', () => {
  it.each([0, 502, 503, 504])('REST answering %i while the channels stay healthy: offline, then back to live by itself', async (status) => {
    const s = await withRows(3);
    const channels = [...s.client.open().values()];
    s.db.unreachable = true;
    s.db.unreachableStatus = status;
    s.db.addTicket();
    push(s);
    await settle(20);
    expect(s.stores.connection.getState()).toMatchObject({ state: 'offline', realtime: 'ready', api: 'unreachable', rpcErrors: 0 });
    // the channels are not the problem: nothing is torn down
    expect(channels.every((ch) => !ch.removed)).toBe(true);
    await settle(4_000); // a few retries, backing off
    const tries = s.db.count('dashboard_sync');
    expect(tries).toBeGreaterThanOrEqual(3);
    expect(tries).toBeLessThanOrEqual(5);
    s.db.unreachable = false;
    await settle(6_000);
    expect(s.stores.connection.getState()).toMatchObject({ state: 'live', api: 'ok', lastError: null });
    expect(ids(s)).toEqual([4, 3, 2, 1]);
    expect(s.stores.dashboard.getState().kpis.data?.activeRepairs).toBe(4);
    s.engine.stop();
  });

  it.each([
    ['a cursor that is not a number', (j: Record<string, unknown>) => ({ ...j, cursor: 'soon' })],
    ['a missing epoch', (j: Record<string, unknown>) => ({ ...j, epoch: undefined })],
    ['feed rows above the cursor', (j: Record<string, unknown>) => ({ ...j, cursor: 0 })],
    ['not an object', () => 'garbage'],
  ])('a malformed answer (%s) is an error, never "offline": shown, counted, nothing lost, retried', async (_name, spoil) => {
    const s = await withRows(3);
    s.db.addTicket();
    const good = s.db.syncJson.bind(s.db);
    s.db.malformed = spoil(good({ after: 3, epoch: 'epoch-1', limit: 100, revenueFrom: null, bucket: 'day', tz: 'UTC' }));
    push(s);
    await settle(20);
    const conn = s.stores.connection.getState();
    expect(conn).toMatchObject({ state: 'live', api: 'error', rpcErrors: 1 });
    expect(conn.lastError).toMatch(/^sync: /);
    expect(conn.lastError).not.toMatch(/reach/);
    expect(ids(s)).toEqual([3, 2, 1]); // what was shown stays
    expect(s.stores.dashboard.getState().kpis).toMatchObject({ status: 'ready', data: { activeRepairs: 3 } });
    expect(s.stores.dashboard.getState().kpis.error).not.toBeNull();
    s.db.malformed = undefined;
    await settle(400);
    expect(ids(s)).toEqual([4, 3, 2, 1]);
    expect(s.stores.connection.getState()).toMatchObject({ state: 'live', api: 'ok', lastError: null });
    s.engine.stop();
  });
});

describe('live engine: resume from a follower tab', () => {
  it('start({ resume }) shows the state at once and syncs from its cursor and epoch: nothing lost, nothing twice', async () => {
    const leader = await withRows(12);
    const handed = structuredClone(leader.engine.peek().data);
    leader.engine.stop();
    // meanwhile, three more rows
    const next = setupEngine({ db: leader.db });
    next.db.calls.length = 0;
    for (let i = 0; i < 3; i++) next.db.addTicket();
    next.engine.start({ resume: handed });
    expect(next.engine.peek().data.feed.items.map((i) => i.id)).toEqual(handed.feed.items.map((i) => i.id));
    await settle(20);
    expect(next.stores.dashboard.getState().feed.items).toHaveLength(12);
    next.client.readyAll();
    await settle(20);
    const first = next.db.calls.find((c) => c.fn === 'dashboard_sync')?.params;
    expect(first).toMatchObject({ after: 12, epoch: 'epoch-1' });
    expect(next.db.count('dashboard_sync')).toBe(1);
    expect(next.stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual(Array.from({ length: 15 }, (_, i) => 15 - i));
    expect(next.stores.connection.getState().state).toBe('live');
    next.engine.stop();
  });

  it('a resume whose epoch is gone is a reset like any other', async () => {
    const leader = await withRows(5);
    const handed = structuredClone(leader.engine.peek().data);
    leader.engine.stop();
    const next = setupEngine();
    next.db.resetLog();
    next.db.addTicket();
    next.engine.start({ resume: handed });
    await settle();
    next.client.readyAll();
    await settle(400);
    expect(next.stores.dashboard.getState()).toMatchObject({ epoch: 'epoch-2', cursor: 1 });
    expect(next.stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    next.engine.stop();
  });
});

describe('live engine: clocks', () => {
  it('the wall clock stepped back an hour: pushes still sync at once, timers still run', async () => {
    const s = await withRows(2);
    vi.setSystemTime(Date.now() - 3_600_000);
    s.db.addTicket();
    push(s);
    await settle(20);
    expect(ids(s)).toEqual([3, 2, 1]);
    s.db.addTicket(); // no event: the 30 s refresh must still come
    await settle(31_000);
    expect(ids(s)).toEqual([4, 3, 2, 1]);
    s.engine.stop();
  });

  it('the wall clock stepped across a bucket boundary, forward then back: the boundary is rescheduled from the wall clock', async () => {
    vi.setSystemTime(Date.parse('2026-03-10T10:59:00Z'));
    const s = await liveEngine();
    s.engine.setRevenueRange('24h');
    await settle(100);
    const last = () => s.stores.dashboard.getState().revenue.data?.at(-1)?.bucketStart;
    expect(last()).toBe('2026-03-10T10:00:00.000Z');
    // forward past 11:00 (a minute: more than a drift, less than a sleep)
    vi.setSystemTime(Date.now() + 90_000);
    await settle(5_100); // the next tick notices the drift
    expect(last()).toBe('2026-03-10T11:00:00.000Z');
    expect(s.client.open().size).toBe(4); // a step is not a sleep: the channels stay
    // back to 10:59:30: the next boundary is 30 s away again, not an hour
    vi.setSystemTime(Date.parse('2026-03-10T10:59:30Z'));
    await settle(5_100);
    expect(last()).toBe('2026-03-10T10:00:00.000Z'); // the sync after the step shows the server's hour
    const syncsBefore = s.db.count('dashboard_sync');
    await settle(30_000);
    expect(last()).toBe('2026-03-10T11:00:00.000Z');
    expect(s.db.count('dashboard_sync')).toBeGreaterThan(syncsBefore);
    s.engine.stop();
  });
});

describe('live engine: bounded state', () => {
  it('stop() and sign-out release every timer, listener and channel', async () => {
    const s = await withRows(3);
    s.fakeEnv.setHidden(true);
    s.fakeEnv.setHidden(false);
    await s.engine.signOut();
    await settle(100);
    expect(s.client.open().size).toBe(0);
    // sign-out keeps only the auth listener and the environment listeners (to sign in again)
    expect(s.fakeEnv.listenerCount()).toBe(2);
    await settle(600_000);
    expect(vi.getTimerCount()).toBe(0);
    s.engine.stop();
    expect(s.fakeEnv.listenerCount()).toBe(0);

    const t = await withRows(3);
    t.client.openFor('tickets').status('CHANNEL_ERROR'); // polling and reconnect timers running
    await settle(100);
    t.engine.stop();
    await settle(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(t.client.open().size).toBe(0);
    expect(t.fakeEnv.listenerCount()).toBe(0);
  });
});
