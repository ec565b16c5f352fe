import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveEngine, settle, setupEngine } from './fakes';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('live engine: edge cases', () => {
  it('another "Subscribed to PostgreSQL" on a live channel (token pushed) triggers a catch-up', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    client.openFor('tickets').system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });
    await settle(100);
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    expect(stores.connection.getState().state).toBe('live');
    engine.stop();
  });

  it('server unreachable at start-up: offline with the session kept, then signs in by itself', async () => {
    const setup = setupEngine();
    setup.db.unreachable = true;
    setup.engine.start();
    await settle(100);
    expect(setup.stores.connection.getState().state).toBe('offline');
    expect(setup.stores.session.getState().status).toBe('loading');
    setup.db.unreachable = false;
    await settle(6_000);
    expect(setup.stores.session.getState().status).toBe('signed-in');
    setup.client.readyAll();
    await settle(700);
    expect(setup.stores.connection.getState().state).toBe('live');
    setup.engine.stop();
  });

  it('a 401 "JWT expired" from an RPC refreshes the session and catches up', async () => {
    const { engine, client, db, api, stores } = await liveEngine();
    db.addTicket();
    db.jwtExpired = true;
    client.openFor('tickets').change({ table: 'tickets', eventType: 'INSERT', commit_timestamp: new Date().toISOString(), new: { id: 'x' }, old: {} });
    await settle(1_000);
    expect(api.refreshSession).toHaveBeenCalled();
    expect(client.realtime.setAuth).toHaveBeenLastCalledWith('token-2');
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    expect(stores.session.getState().status).toBe('signed-in');
    engine.stop();
  });

  it('a throttled hidden tab (timers once a minute) is not mistaken for sleep', async () => {
    const { engine, client, api } = await liveEngine();
    const channels = [...client.open().values()];
    // emulate intensive throttling: the clock moves a minute between timer runs
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(Date.now() + 60_000);
      await settle(5_000);
    }
    expect(api.refreshSession).not.toHaveBeenCalled();
    expect(channels.every((ch) => !ch.removed)).toBe(true);
    engine.stop();
  });

  it('pause then sign-out then sign-in starts clean and live', async () => {
    const { engine, client, db, stores } = await liveEngine();
    db.addTicket();
    engine.pause();
    await engine.signOut();
    expect(stores.session.getState().status).toBe('signed-out');
    expect(await engine.signIn('admin@example.com', 'password123')).toEqual({ error: null });
    await settle();
    client.readyAll();
    await settle(700);
    expect(stores.connection.getState().state).toBe('live');
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    engine.stop();
  });

  it('survives a channel failing synchronously and repeated failures without growing', async () => {
    const { engine, client, stores } = await liveEngine();
    for (let i = 0; i < 50; i++) {
      client.open().get('products')?.status('CHANNEL_ERROR');
      await settle(31_000);
    }
    expect(client.channels.filter((c) => !c.removed).length).toBeLessThanOrEqual(4);
    expect(stores.connection.getState().state).toBe('polling');
    engine.stop();
  });
});

describe('live engine: servers with and without postgres_changes_options.wait', () => {
  it('a join that asked to wait but hit a server ignoring it: the late confirmation catches up what slipped through', async () => {
    const { engine, client, db, stores } = setupEngine();
    engine.start();
    await settle();
    for (const ch of client.open().values()) {
      ch.joinPayload = { config: { postgres_changes_options: { wait: true } } };
      ch.status('SUBSCRIBED');
    }
    await settle(700);
    expect(stores.connection.getState().state).toBe('live');
    db.addTicket(); // committed before CDC was really live: no event for it
    client.openFor('tickets').system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });
    await settle(100);
    expect(stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual([1]);
    engine.stop();
  });
});
