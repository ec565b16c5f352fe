import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBrowserEnvironment } from '@/live/environment';
import { createLiveEngine } from '@/live/engine';
import { transportFor } from '@/live/transport/transport-for';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore } from '@/live/stores/session-store';
import { createTabsCoordinator, type TabsCoordinator } from '@/live/tabs/tab-coordinator';
import type { TabsClock, TabsPlatform } from '@/live/tabs/tab-ports';
import { mountLive } from '@/live/mount-live';
import { createFakeApi, createFakeEnv, FakeClient, FakeDb } from '../fakes';
import { INTENSIVE_AFTER_MS, simulateChrome } from './chrome-timers';
import { FakeChannels, FakeLocks, jwtFor } from './fakes';
import type { ViewStores } from '@/live/stores/store-types';
import type { LiveEnvironment } from '@/live/types';

const PROJECT = 'http://127.0.0.1:54321';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const newStores = (): ViewStores => ({ dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() });
const activeRepairs = (stores: ViewStores) => stores.dashboard.getState().kpis.data?.activeRepairs ?? null;

/**
 * Two tabs of one browser: the leader's tab is hidden (its page timers throttled as Chrome does),
 * the follower's is on screen. Realtime never confirms its channel, so the leader's engine polls.
 */
function hiddenLeaderAndVisibleFollower(opts = { workers: true }) {
  const chrome = simulateChrome(opts);
  const db = new FakeDb();
  const api = createFakeApi(db, { valid: true, refreshable: true, token: jwtFor('u1') });
  const locks = new FakeLocks();
  const channels = new FakeChannels((fn) => void chrome.unthrottled.setTimeout(fn, 0));
  const platform = (tab: string): TabsPlatform => ({ locks: locks.forTab(tab), openChannel: channels.forTab(tab), onLifecycle: () => () => {} });

  // the leader: the app's own wiring on the browser environment of a hidden page
  const hiddenPage = { visibilityState: 'hidden', addEventListener: () => {}, removeEventListener: () => {} };
  const leaderStores = newStores();
  const leaderClient = new FakeClient();
  // a leader that steps down closes its idle socket
  Object.assign(leaderClient.realtime, { getChannels: () => leaderClient.getChannels(), disconnect: vi.fn(async () => 'ok') });
  const leader = mountLive({
    client: leaderClient.asClient(),
    api,
    env: createBrowserEnvironment(undefined, hiddenPage),
    stores: leaderStores,
    tabs: { projectUrl: PROJECT, platform: platform('leader') },
  });

  // the follower: a visible page, its timers untouched
  const followerEnv: LiveEnvironment = {
    ...createFakeEnv().env,
    ...chrome.unthrottled,
    requestFrame: (fn) => void chrome.unthrottled.setTimeout(fn, 16),
  };
  const followerClock: TabsClock = { ...chrome.unthrottled, monotonic: () => performance.now(), random: () => 0.5 };
  const followerStores = newStores();
  const follower = createTabsCoordinator({
    client: new FakeClient().asClient(),
    api,
    platform: platform('follower'),
    clock: followerClock,
    projectUrl: PROJECT,
    stores: followerStores,
    visibility: followerEnv,
    createEngine: (stores, revenueRange) => createLiveEngine({ client: new FakeClient().asClient(), api, env: followerEnv, stores, options: { revenueRange }, transportFor }),
  });
  return { chrome, db, leader, leaderStores, follower, followerStores };
}

/** Changes in the database, one every 10 s: how long each took to reach the follower's screen. */
async function delaysOnFollower(t: ReturnType<typeof hiddenLeaderAndVisibleFollower>, changes: number): Promise<number[]> {
  const delays: number[] = [];
  for (let change = 0; change < changes; change += 1) {
    t.db.addTicket();
    const committed = Date.now();
    while (activeRepairs(t.followerStores) !== t.db.tickets.length && Date.now() - committed < 120_000) {
      await vi.advanceTimersByTimeAsync(250);
    }
    delays.push(Date.now() - committed);
    await vi.advanceTimersByTimeAsync(Math.max(0, 10_000 - (Date.now() - committed)));
  }
  return delays;
}

describe('a hidden leader tab', () => {
  it('keeps a visible follower updated at the polling rate after 5 minutes hidden (Chrome throttles chained page timers)', async () => {
    const t = hiddenLeaderAndVisibleFollower();
    t.leader.start();
    await vi.advanceTimersByTimeAsync(100);
    t.follower.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(t.follower.role()).toBe('follower');
    t.chrome.hide();
    await vi.advanceTimersByTimeAsync(INTENSIVE_AFTER_MS + 60_000);

    // realtime is down: the engine polls every 5 s (± 20 %), as the follower's badge says
    expect(t.followerStores.connection.getState()).toMatchObject({ state: 'polling' });
    const badge = t.followerStores.connection.getState().pollIntervalMs;
    expect(badge).toBeGreaterThanOrEqual(4_000);
    expect(badge).toBeLessThanOrEqual(6_000);

    const delays = await delaysOnFollower(t, 8);
    // one poll interval at most (6 s with jitter), plus the sync and the hop to the follower
    expect(Math.max(...delays)).toBeLessThanOrEqual(6_500);
    // the leader's timers ran on the worker's clock (the app's own script), not on the throttled page's;
    // its heartbeats were on time, so the follower never took its lead
    expect(t.chrome.workers.map((w) => w.url)).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:5173\/.*live-worker\.js/)]);
    expect(t.follower.role()).toBe('follower');

    t.follower.stop();
    t.leader.stop();
  });

  it('where no worker can run, the visible follower takes the lead from the starved hidden leader', async () => {
    const t = hiddenLeaderAndVisibleFollower({ workers: false });
    t.leader.start();
    await vi.advanceTimersByTimeAsync(100);
    t.follower.start();
    await vi.advanceTimersByTimeAsync(100);
    t.chrome.hide();
    await vi.advanceTimersByTimeAsync(INTENSIVE_AFTER_MS + 60_000);

    // the hidden leader's heartbeats (a chained page timer) came once a minute: the follower on screen leads now
    expect(t.follower.role()).toBe('leader');
    // (with Web Locks and BroadcastChannel, mountLive's tab is the tabs coordinator)
    expect((t.leader as unknown as TabsCoordinator).role()).toBe('follower');
    const delays = await delaysOnFollower(t, 8);
    expect(Math.max(...delays)).toBeLessThanOrEqual(6_500);
    expect(t.chrome.workers).toEqual([]);

    t.follower.stop();
    t.leader.stop();
  });
});
