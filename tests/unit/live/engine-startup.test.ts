import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { change, settle, setupEngine } from './fakes';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

const dataCalls = (db: { calls: { fn: string; params: unknown }[] }) => db.calls.filter((c) => c.fn !== 'current_staff');

describe('live engine: subscribe first, then snapshot', () => {
  it('opens one channel per table, each binding only its table', async () => {
    const { engine, client } = setupEngine();
    engine.start();
    await settle();
    expect([...client.open().keys()].sort()).toEqual(['customers', 'orders', 'products', 'tickets']);
    expect(new Set(client.channels.map((c) => c.name)).size).toBe(4);
    engine.stop();
  });

  it('a support agent binds only tickets, customers and products', async () => {
    const { engine, client, stores } = setupEngine({ role: 'support' });
    engine.start();
    await settle();
    expect([...client.open().keys()].sort()).toEqual(['customers', 'products', 'tickets']);
    client.readyAll();
    await settle(100);
    expect(stores.connection.getState().state).toBe('live');
    expect(stores.dashboard.getState().revenue).toMatchObject({ status: 'ready', data: null });
    engine.stop();
  });

  it('hands the session token to realtime before joining', async () => {
    const { engine, client } = setupEngine();
    engine.start();
    await settle();
    expect(client.realtime.setAuth).toHaveBeenCalledWith('token-1');
    engine.stop();
  });

  it('buffers events until every channel is SUBSCRIBED and the server confirms postgres changes', async () => {
    const { engine, client, db, stores } = setupEngine();
    db.addTicket();
    engine.start();
    await settle();
    client.openFor('tickets').change(change('tickets'));
    for (const ch of client.open().values()) ch.status('SUBSCRIBED');
    await settle(1_000);
    expect(dataCalls(db)).toEqual([]);
    expect(stores.connection.getState().state).toBe('connecting');
    expect(stores.dashboard.getState().kpis.status).toBe('loading');

    for (const ch of client.open().values()) {
      ch.system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: ch.name });
    }
    await settle(100);
    // one call, one snapshot: no cursor and no epoch yet
    expect(dataCalls(db).map((c) => c.fn)).toEqual(['dashboard_sync']);
    expect(dataCalls(db)[0]?.params).toMatchObject({ after: null, epoch: null, limit: 100, bucket: 'day' });
    const state = stores.dashboard.getState();
    expect(state.kpis.data?.newTickets24h).toBe(1);
    expect(state.feed.items.map((i) => i.id)).toEqual([1]);
    expect(state.cursor).toBe(1);
    expect(state.revenue.data).toHaveLength(7);
    expect(stores.connection.getState()).toMatchObject({ state: 'live', eventsReceived: 1 });
    engine.stop();
  });

  it('the system confirmation may come before the SUBSCRIBED callback', async () => {
    const { engine, client, stores } = setupEngine();
    engine.start();
    await settle();
    for (const ch of client.open().values()) ch.system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });
    await settle(100);
    expect(stores.connection.getState().state).toBe('connecting');
    for (const ch of client.open().values()) ch.status('SUBSCRIBED');
    await settle(100);
    expect(stores.connection.getState().state).toBe('live');
    engine.stop();
  });

  it('trusts SUBSCRIBED alone when the join asked the server to wait for postgres changes', async () => {
    const { engine, client, stores } = setupEngine();
    engine.start();
    await settle();
    for (const ch of client.open().values()) {
      ch.joinPayload = { config: { postgres_changes_options: { wait: true } } };
      ch.status('SUBSCRIBED');
    }
    await settle(100);
    expect(stores.connection.getState().state).toBe('live');
    engine.stop();
  });

  it('goes polling when the confirmation does not come in time, then live once it does', async () => {
    const { engine, client, db, stores } = setupEngine({ options: { readyTimeoutMs: 5_000 } });
    db.addTicket();
    engine.start();
    await settle();
    for (const ch of client.open().values()) ch.status('SUBSCRIBED');
    await settle(4_900);
    expect(stores.connection.getState().state).toBe('connecting');
    await settle(200);
    expect(stores.connection.getState().state).toBe('polling');
    await settle(100);
    // the first poll is the snapshot
    expect(stores.dashboard.getState().feed.items).toHaveLength(1);
    expect(stores.connection.getState().pollsMade).toBe(1);

    db.addTicket();
    for (const ch of client.open().values()) ch.system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });
    await settle(600);
    expect(stores.connection.getState().state).toBe('live');
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([2, 1]);
    const polls = stores.connection.getState().pollsMade;
    await settle(60_000);
    expect(stores.connection.getState().pollsMade).toBe(polls);
    engine.stop();
  });

  it('signed out at start: no channels, no data requests', async () => {
    const { engine, client, db, stores } = setupEngine({ signedIn: false });
    engine.start();
    await settle(1_000);
    expect(stores.session.getState()).toMatchObject({ status: 'signed-out', user: null });
    expect(client.channels).toHaveLength(0);
    expect(db.calls).toHaveLength(0);
    engine.stop();
  });

  it('signIn reports bad credentials and, when right, signs in and starts live data', async () => {
    const { engine, client, stores } = setupEngine({ signedIn: false });
    engine.start();
    await settle();
    expect(await engine.signIn('admin@example.com', 'nope')).toEqual({ error: 'Invalid login credentials' });
    expect(stores.session.getState().status).toBe('signed-out');
    expect(await engine.signIn('admin@example.com', 'password123')).toEqual({ error: null });
    expect(stores.session.getState()).toMatchObject({ status: 'signed-in', user: { role: 'admin' }, message: null });
    await settle();
    expect(client.open().size).toBe(4);
    engine.stop();
  });

  it('signOut removes every channel and clears the data', async () => {
    const { engine, client, stores, db } = setupEngine();
    db.addTicket();
    engine.start();
    await settle();
    client.readyAll();
    await settle(100);
    expect(stores.dashboard.getState().feed.items).toHaveLength(1);
    await engine.signOut();
    await settle(100);
    expect(client.open().size).toBe(0);
    expect(stores.session.getState()).toMatchObject({ status: 'signed-out', message: null });
    expect(stores.dashboard.getState().feed.items).toHaveLength(0);
    expect(stores.dashboard.getState().cursor).toBe(0);
    engine.stop();
  });

  it('stop() removes channels and listeners', async () => {
    const { engine, client, fakeEnv } = setupEngine();
    engine.start();
    await settle();
    expect(fakeEnv.listenerCount()).toBe(2);
    engine.stop();
    expect(client.open().size).toBe(0);
    expect(fakeEnv.listenerCount()).toBe(0);
  });
});
