import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SESSION_EXPIRED_MESSAGE } from '@/live/stores/session-store';
import { change, liveEngine, settle, type FakeChannel } from './fakes';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

type Failure = [string, (ch: FakeChannel) => void];
const failures: Failure[] = [
  ['CHANNEL_ERROR', (ch) => ch.status('CHANNEL_ERROR', new Error('channel error: transport failure'))],
  ['TIMED_OUT', (ch) => ch.status('TIMED_OUT')],
  ['CLOSED', (ch) => ch.status('CLOSED')],
  [
    'a postgres_changes system error',
    (ch) => ch.system({ extension: 'postgres_changes', status: 'error', message: 'Unable to subscribe to changes with given parameters' }),
  ],
];

describe('live engine: fallback and recovery', () => {
  it.each(failures)('%s → polling at once, reconnect in the background, sync once, then live', async (_name, fail) => {
    const { engine, client, db, stores } = await liveEngine();
    const orders = client.openFor('orders');
    db.addTicket(); // committed while the channel dies: no event for it
    fail(orders);
    await settle(16);
    expect(stores.connection.getState().state).toBe('polling');
    expect(orders.removed).toBe(true);
    // the immediate poll uses the same cursor calls; the reconnect waits about a second
    await settle(1_100);
    expect(stores.connection.getState().pollsMade).toBe(1);
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    // background reconnect: a new orders channel (new name), the others untouched
    const reborn = client.openFor('orders');
    expect(reborn).not.toBe(orders);
    expect(reborn.name).not.toBe(orders.name);
    expect(client.channels.filter((c) => c.removed)).toHaveLength(1);
    expect(stores.connection.getState().reconnectAttempts).toBe(1);
    db.addTicket();
    reborn.ready();
    await settle(600);
    expect(stores.connection.getState()).toMatchObject({ state: 'live', reconnectAttempts: 0, pollIntervalMs: null });
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([2, 1]);
    const polls = stores.connection.getState().pollsMade;
    await settle(30_000);
    expect(stores.connection.getState().pollsMade).toBe(polls);
    engine.stop();
  });

  it('polls on a jittered interval while realtime stays down, backing off reconnects', async () => {
    const { engine, client, stores } = await liveEngine({ options: { pollIntervalMs: 4_000, jitter: 0.25 } });
    client.openFor('tickets').status('CHANNEL_ERROR');
    await settle(16);
    expect(stores.connection.getState().pollIntervalMs).toBe(4_000); // random() = 0.5 → the middle
    const reconnects = () => client.channels.filter((c) => c.table === 'tickets').length;
    for (let i = 0; i < 4; i++) {
      const ch = client.open().get('tickets');
      ch?.status('CHANNEL_ERROR');
      await settle(11_000);
    }
    expect(reconnects()).toBeGreaterThanOrEqual(4);
    expect(stores.connection.getState().pollsMade).toBeGreaterThanOrEqual(10);
    expect(stores.connection.getState().state).toBe('polling');
    engine.stop();
  });

  it('one table failing leaves the other channels subscribed', async () => {
    const { engine, client } = await liveEngine();
    const others = ['tickets', 'customers', 'products'].map((t) => client.openFor(t));
    client.openFor('orders').system({ extension: 'postgres_changes', status: 'error', message: 'bad filter' });
    await settle(16);
    expect(others.every((ch) => !ch.removed)).toBe(true);
    engine.stop();
  });

  it('server unreachable → offline, and recovers by itself', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.unreachable = true;
    client.openFor('tickets').status('CHANNEL_ERROR');
    await settle(100);
    expect(stores.connection.getState().state).toBe('offline');
    await settle(20_000);
    expect(stores.connection.getState().state).toBe('offline');
    db.unreachable = false;
    db.addTicket();
    await settle(6_000);
    expect(stores.connection.getState().state).not.toBe('offline');
    client.openFor('tickets').ready();
    await settle(600);
    expect(stores.connection.getState().state).toBe('live');
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    engine.stop();
  });

  it('browser offline → polling at once (channels dropped) → offline; online → reconnect and live', async () => {
    const { engine, client, db, stores, fakeEnv } = await liveEngine();
    db.unreachable = true;
    fakeEnv.setOnline(false);
    await settle(16);
    expect(client.open().size).toBe(0);
    await settle(100);
    expect(stores.connection.getState().state).toBe('offline');
    db.unreachable = false;
    fakeEnv.setOnline(true);
    await settle(600);
    expect(stores.connection.getState().state).toBe('polling');
    expect(client.open().size).toBe(4);
    client.readyAll();
    await settle(600);
    expect(stores.connection.getState().state).toBe('live');
    engine.stop();
  });

  it('a long offline period refreshes the session before reconnecting', async () => {
    const { engine, client, api, fakeEnv, db } = await liveEngine();
    db.unreachable = true;
    fakeEnv.setOnline(false);
    await settle(120_000);
    db.unreachable = false;
    fakeEnv.setOnline(true);
    await settle(100);
    expect(api.refreshSession).toHaveBeenCalledTimes(1);
    expect(client.tokens.at(-1)).toBe('token-2');
    engine.stop();
  });
});

describe('live engine: hidden tab', () => {
  it('polls slower while hidden and at once when visible again', async () => {
    const { engine, client, stores, fakeEnv } = await liveEngine({ options: { pollIntervalMs: 5_000, hiddenPollIntervalMs: 30_000 } });
    client.openFor('tickets').status('CHANNEL_ERROR');
    await settle(100);
    fakeEnv.setHidden(true);
    await settle(5_000); // the poll already scheduled runs, the next one is slow
    expect(stores.connection.getState().pollIntervalMs).toBe(30_000);
    const polls = stores.connection.getState().pollsMade;
    await settle(20_000);
    expect(stores.connection.getState().pollsMade).toBe(polls);
    fakeEnv.setHidden(false);
    await settle(100);
    expect(stores.connection.getState().pollsMade).toBe(polls + 1);
    engine.stop();
  });

  it('becoming visible while live syncs from the cursor', async () => {
    const { engine, db, stores, fakeEnv } = await liveEngine();
    fakeEnv.setHidden(true);
    db.addTicket();
    await settle(1_000);
    fakeEnv.setHidden(false);
    await settle(100);
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    engine.stop();
  });
});

describe('live engine: sessions', () => {
  it('token expiry closes the channel: refresh first, hand the new token to realtime, then resubscribe', async () => {
    const { engine, client, api, stores } = await liveEngine();
    const tickets = client.openFor('tickets');
    tickets.system({ extension: 'system', status: 'error', message: 'Token has expired 0 seconds ago' });
    await settle(16);
    expect(stores.connection.getState().state).toBe('polling');
    await settle(2_000);
    expect(api.refreshSession).toHaveBeenCalledTimes(1);
    expect(client.realtime.setAuth).toHaveBeenLastCalledWith('token-2');
    const reborn = client.openFor('tickets');
    expect(reborn).not.toBe(tickets);
    const setAuthOrder = client.realtime.setAuth.mock.invocationCallOrder.at(-1) ?? 0;
    expect(setAuthOrder).toBeGreaterThan(0);
    reborn.ready();
    await settle(600);
    expect(stores.connection.getState().state).toBe('live');
    expect(stores.session.getState().status).toBe('signed-in');
    engine.stop();
  });

  it('a refresh that fails signs out cleanly with a message', async () => {
    const { engine, client, session, stores } = await liveEngine();
    session.refreshable = false;
    client.openFor('tickets').system({ extension: 'system', status: 'error', message: 'Token has expired 0 seconds ago' });
    await settle(3_000);
    expect(stores.session.getState()).toMatchObject({ status: 'signed-out', user: null, message: SESSION_EXPIRED_MESSAGE });
    expect(client.open().size).toBe(0);
    expect(stores.dashboard.getState().feed.status).toBe('loading');
    expect(stores.connection.getState().state).toBe('connecting');
    const channelsBefore = client.channels.length;
    await settle(60_000);
    expect(client.channels.length).toBe(channelsBefore);
    engine.stop();
  });

  it('a refresh that cannot reach the server keeps the session and retries', async () => {
    const { engine, client, session, stores, api } = await liveEngine();
    session.refreshUnreachable = true;
    client.openFor('tickets').system({ extension: 'system', status: 'error', message: 'Token has expired 0 seconds ago' });
    await settle(5_000);
    expect(stores.session.getState().status).toBe('signed-in');
    session.refreshUnreachable = false;
    await settle(10_000);
    expect(api.refreshSession).toHaveBeenCalled();
    expect(client.open().has('tickets')).toBe(true);
    engine.stop();
  });

  it('auth-js signing out by itself (refresh token rejected) ends the session with the message', async () => {
    const { engine, client, stores } = await liveEngine();
    client.emitAuth('SIGNED_OUT');
    await settle(100);
    expect(stores.session.getState()).toMatchObject({ status: 'signed-out', message: SESSION_EXPIRED_MESSAGE });
    expect(client.open().size).toBe(0);
    engine.stop();
  });

  it('after the machine sleeps: refresh the session, then resubscribe and catch up', async () => {
    const { engine, client, api, db, stores } = await liveEngine();
    const before = [...client.open().values()];
    db.addTicket();
    vi.setSystemTime(Date.now() + 2 * 3_600_000); // the clock jumps; timers did not run meanwhile
    await settle(5_000);
    expect(api.refreshSession).toHaveBeenCalledTimes(1);
    expect(before.every((ch) => ch.removed)).toBe(true);
    expect(client.open().size).toBe(4);
    client.readyAll();
    await settle(600);
    expect(stores.connection.getState().state).toBe('live');
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    engine.stop();
  });
});

describe('live engine: pause and resume', () => {
  it('pause unsubscribes and freezes; resume catches up from the cursor', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    client.openFor('tickets').change(change('tickets'));
    await settle(100);
    expect(stores.dashboard.getState().cursor).toBe(1);
    engine.pause();
    await settle(16);
    expect(stores.connection.getState().state).toBe('paused');
    expect(client.open().size).toBe(0);
    db.calls.length = 0;
    db.addTicket();
    db.addTicket();
    await settle(120_000);
    expect(db.calls).toEqual([]);
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    engine.resume();
    await settle(16);
    expect(stores.connection.getState().state).toBe('connecting');
    client.readyAll();
    await settle(100);
    expect(db.calls.find((c) => c.fn === 'dashboard_sync')?.params).toMatchObject({ after: 1, epoch: 'epoch-1' });
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([3, 2, 1]);
    expect(stores.connection.getState().state).toBe('live');
    engine.stop();
  });

  it('answers that arrive after pause are not applied', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    client.openFor('tickets').change(change('tickets'));
    engine.pause();
    await settle(1_000);
    expect(stores.dashboard.getState().cursor).toBe(0);
    engine.stop();
  });
});
