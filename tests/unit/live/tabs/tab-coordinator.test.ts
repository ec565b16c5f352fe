import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { leaderLockName } from '@/live/tabs/tab-messages';
import { advance, createBrowser, kpiOf, USER, type FakeTab } from './fakes';

const LOCK = leaderLockName('http://127.0.0.1:54321', USER);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function leaders(tabs: FakeTab[]) {
  return tabs.filter((t) => t.tabs.role() === 'leader');
}

describe('tabs coordinator', () => {
  it('elects one leader; the others follow and get the full state at once', async () => {
    const b = createBrowser();
    b.world.version = 5;
    const a = b.openTab();
    await advance(50);
    expect(a.tabs.role()).toBe('leader');
    const c = b.openTab();
    const d = b.openTab();
    await advance(50);
    expect(leaders([a, c, d])).toEqual([a]);
    expect(b.world.running()).toHaveLength(1);
    for (const t of [a, c, d]) {
      expect(t.stores.session.getState().status).toBe('signed-in');
      expect(kpiOf(t)).toBe(5);
    }
    b.world.change();
    await advance(20);
    expect([a, c, d].map(kpiOf)).toEqual([6, 6, 6]);
    // one sync per change, whatever the number of tabs
    expect(b.world.syncs).toBe(2);
  });

  it('hands over within 2 s when the leader closes, resuming from the state it last saw', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(50);
    b.world.change();
    await advance(20);
    a.tabs.stop();
    b.locks.crash(a.id); // the page is gone: the browser drops its lock
    b.world.change();
    await advance(2000);
    expect(c.tabs.role()).toBe('leader');
    expect(c.engines).toHaveLength(1);
    expect(c.engines[0]!.resumedFrom?.cursor).toBe(1);
    expect(kpiOf(c)).toBe(2);
  });

  it('hands over when the leader crashes (no goodbye, no more code)', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    const d = b.openTab();
    await advance(50);
    b.crash(a);
    await advance(2000);
    expect(leaders([c, d])).toHaveLength(1);
    b.world.change();
    await advance(20);
    expect([c, d].map(kpiOf)).toEqual([1, 1]);
  });

  it('takes the lock from a leader whose event loop is stuck, and the old leader steps down', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(50);
    b.channels.muted.add(a.id); // a stops answering but keeps its lock
    await advance(6000);
    expect(c.tabs.role()).toBe('leader');
    expect(b.locks.holder(LOCK)).toBe(c.id);
    // the stolen lock rejects a's request: it stops its engine and follows
    expect(a.tabs.role()).toBe('follower');
    expect(a.engines[0]!.running).toBe(false);
    b.channels.muted.delete(a.id);
    b.world.change();
    await advance(1500);
    expect(leaders([a, c])).toEqual([c]);
    expect(kpiOf(a)).toBe(kpiOf(c));
  });

  it('releases leadership when the page is frozen or put in the back/forward cache', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(50);
    a.lifecycle('suspend');
    await advance(100);
    expect(a.tabs.role()).toBe('suspended');
    expect(c.tabs.role()).toBe('leader');
    expect(a.engines[0]!.running).toBe(false);
    a.lifecycle('restore');
    await advance(100);
    expect(a.tabs.role()).toBe('follower');
  });

  it('pause freezes only that tab; the engine pauses only when every tab is paused', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(1500);
    c.tabs.pause();
    expect(c.stores.connection.getState().state).toBe('paused');
    b.world.change();
    await advance(1500);
    expect(kpiOf(a)).toBe(1);
    expect(kpiOf(c)).toBe(0);
    expect(a.engines[0]!.paused).toBe(false);
    a.tabs.pause();
    await advance(1500);
    expect(a.engines[0]!.paused).toBe(true);
    c.tabs.resume();
    await advance(1500);
    expect(a.engines[0]!.paused).toBe(false);
    b.world.change();
    await advance(50);
    expect(kpiOf(c)).toBe(2);
    expect(kpiOf(a)).toBe(1); // still paused
    a.tabs.resume();
    expect(kpiOf(a)).toBe(2);
  });

  it('keeps the union of the ranges live: one engine series sliced per tab, the hourly one read once per change', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    const d = b.openTab();
    await advance(50);
    c.tabs.setRevenueRange('30d');
    d.tabs.setRevenueRange('24h');
    await advance(1500);
    expect(a.engines[0]!.range).toBe('30d');
    const leaderRevenue = a.stores.dashboard.getState().revenue;
    expect(leaderRevenue.range).toBe('7d');
    expect(leaderRevenue.data).toHaveLength(7);
    expect(c.stores.dashboard.getState().revenue.data).toHaveLength(30);
    expect(c.stores.dashboard.getState().revenue.data!.slice(-7)).toEqual(leaderRevenue.data);
    const hourly = d.stores.dashboard.getState().revenue;
    expect(hourly.range).toBe('24h');
    expect(hourly.status).toBe('ready');
    const calls = b.world.revenueSeriesCalls;
    b.world.change();
    await advance(100);
    expect(b.world.revenueSeriesCalls).toBe(calls + 1);
    expect(d.stores.dashboard.getState().revenue.data!.at(-1)!.revenueCents).toBe(b.world.version);
  });

  it('forwards commands from followers to the leader', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(50);
    c.tabs.loadOlderActivity();
    await advance(10);
    expect(a.engines[0]!.olderLoads).toBe(1);
  });

  it('sign-out in a follower signs every tab out and releases engine, lock, channel and timers on stop', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    const d = b.openTab();
    await advance(50);
    await d.tabs.signOut();
    await advance(50);
    for (const t of [a, c, d]) {
      expect(t.stores.session.getState().status).toBe('signed-out');
      expect(t.tabs.role()).toBe('signed-out');
    }
    expect(b.world.running()).toHaveLength(0);
    expect(b.locks.holder(LOCK)).toBeNull();
    // the former leader closes its socket once its channels are gone (supabase-js would wait ~50 s)
    await advance(1100);
    expect(a.realtime.disconnect).toHaveBeenCalledTimes(1);
    expect(c.realtime.disconnect).not.toHaveBeenCalled();
    for (const t of [a, c, d]) t.tabs.stop();
    await advance(10);
    expect(b.channels.openCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a signed-out tab follows when another tab signs in', async () => {
    const b = createBrowser();
    b.world.signedIn = false;
    const a = b.openTab();
    const c = b.openTab();
    await advance(50);
    expect(a.stores.session.getState().status).toBe('signed-out');
    expect(await a.tabs.signIn('a@example.com', 'password123')).toEqual({ error: null });
    await advance(1500);
    expect(a.tabs.role()).toBe('leader');
    expect(c.tabs.role()).toBe('follower');
    expect(c.stores.session.getState().status).toBe('signed-in');
  });
});

describe('tabs coordinator, edges', () => {
  it('a session that ends in the leader (expired) signs every tab out with its message', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(50);
    const engine = a.engines[0]!;
    // what the engine does when the refresh token is refused
    engine['stores'].session.getState().signedOut('Your session expired. Please sign in again.');
    await advance(50);
    for (const t of [a, c]) {
      expect(t.stores.session.getState()).toMatchObject({ status: 'signed-out', message: 'Your session expired. Please sign in again.' });
      expect(t.tabs.role()).toBe('signed-out');
    }
    expect(engine.stopped).toBe(true);
    // looking at the stored session again (auth-js event, a leader heard) keeps the message
    b.world.signedIn = false;
    c.auth('SIGNED_IN');
    await advance(50);
    expect(c.stores.session.getState().message).toBe('Your session expired. Please sign in again.');
  });

  it('a follower that has no leader answering its sign-out signs out by itself', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(50);
    b.channels.muted.add(a.id);
    await c.tabs.signOut();
    await advance(2100);
    expect(c.stores.session.getState().status).toBe('signed-out');
    expect(b.world.signedIn).toBe(false);
  });

  it('ignores what other users\u2019 tabs say', async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(50);
    const before = c.tabs.held();
    const intruder = b.channels.forTab('x')('repair-dashboard:tabs:v1:http://127.0.0.1:54321');
    intruder.postMessage({ from: 'x', user: 'someone-else', type: 'snapshot', term: 99, seq: 0, snapshot: { ...before!, dashboard: { ...before!.dashboard, cursor: 999 } } });
    await advance(20);
    expect(c.tabs.held()?.dashboard.cursor).toBe(before!.dashboard.cursor);
    expect(a.tabs.role()).toBe('leader');
  });
});

describe('tabs coordinator, visibility', () => {
  it("the leader's engine counts as hidden only while every tab is hidden", async () => {
    const b = createBrowser();
    const a = b.openTab();
    await advance(50);
    const c = b.openTab();
    await advance(1500);
    const shared = a.engines[0]!.visibility;
    const seen: boolean[] = [];
    shared.onVisibilityChange((hidden) => seen.push(hidden));
    a.setHidden(true);
    await advance(20);
    expect(shared.isHidden()).toBe(false); // c is still visible
    c.setHidden(true);
    await advance(20);
    expect(shared.isHidden()).toBe(true);
    c.setHidden(false);
    await advance(20);
    expect(seen).toEqual([true, false]);
  });
});
