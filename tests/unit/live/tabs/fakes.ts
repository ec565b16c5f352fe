import { vi } from 'vitest';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveEngine, LiveEngineStartOptions } from '@/live/engine-interface';
import type { LiveApi } from '@/live/live-api';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore } from '@/live/stores/session-store';
import { createTabsCoordinator, type TabsCoordinator } from '@/live/tabs/tab-coordinator';
import type { ChannelLike, LockManagerLike, LockOptions, PageLifecycleEvent, PageVisibility, TabsClock, TabsPlatform } from '@/live/tabs/tab-ports';
import type { RevenueRange } from '@/live/types';
import type { ViewStores } from '@/live/stores/store-types';
import type { DashboardData } from '@/live/dashboard-data';

/** Web Locks for several tabs: exclusive, FIFO, abortable while queued, stealable; a crashed tab's locks go. */
export class FakeLocks {
  private held = new Map<string, { owner: string; release: () => void; reject: (e: Error) => void }>();
  private queue = new Map<string, Array<{ owner: string; grant: () => void; drop: () => void }>>();

  holder(name: string): string | null {
    return this.held.get(name)?.owner ?? null;
  }

  forTab(owner: string): LockManagerLike {
    return { request: (name, options, callback) => this.request(owner, name, options, callback) };
  }

  private request(owner: string, name: string, options: LockOptions, callback: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          if (this.held.get(name)?.owner === owner && this.held.get(name)?.release === finish) this.held.delete(name);
          this.next(name);
        };
        this.held.set(name, { owner, release: finish, reject: (e) => ((done = true), reject(e)) });
        void Promise.resolve()
          .then(callback)
          .then(
            () => {
              if (!done) resolve();
              finish();
            },
            (e: unknown) => {
              reject(e instanceof Error ? e : new Error(String(e)));
              finish();
            },
          );
      };
      if (options.steal) {
        const current = this.held.get(name);
        if (current) {
          this.held.delete(name);
          current.reject(new DOMException('The lock was stolen', 'AbortError'));
        }
        grant();
        return;
      }
      if (!this.held.has(name)) {
        grant();
        return;
      }
      const entry = { owner, grant, drop: () => reject(new DOMException('Aborted', 'AbortError')) };
      const q = this.queue.get(name) ?? [];
      q.push(entry);
      this.queue.set(name, q);
      options.signal?.addEventListener('abort', () => {
        const list = this.queue.get(name) ?? [];
        const i = list.indexOf(entry);
        if (i >= 0) {
          list.splice(i, 1);
          entry.drop();
        }
      });
    });
  }

  private next(name: string) {
    if (this.held.has(name)) return;
    const q = this.queue.get(name);
    const entry = q?.shift();
    entry?.grant();
  }

  /** the browser drops everything of a crashed or closed page */
  crash(owner: string) {
    for (const [name, q] of this.queue) this.queue.set(name, q.filter((e) => e.owner !== owner));
    for (const [name, h] of [...this.held]) {
      if (h.owner === owner) {
        this.held.delete(name);
        this.next(name);
      }
    }
  }
}

/** BroadcastChannel: delivered to every other open channel of that name, as a structured clone, on a later task. */
export class FakeChannels {
  private open = new Set<{ name: string; owner: string; listeners: Set<(e: { data: unknown }) => void> }>();
  /** messages posted, by type (for counting) */
  posted: Array<{ owner: string; type: string }> = [];
  muted = new Set<string>();

  /** `deliver` runs a delivery on a later task (a test simulating throttled page timers passes unthrottled ones) */
  constructor(private readonly deliver: (fn: () => void) => void = (fn) => void setTimeout(fn, 0)) {}

  forTab(owner: string): (name: string) => ChannelLike {
    return (name) => {
      const me = { name, owner, listeners: new Set<(e: { data: unknown }) => void>() };
      this.open.add(me);
      return {
        postMessage: (message) => {
          if (!this.open.has(me) || this.muted.has(owner)) return;
          const data = structuredClone(message);
          this.posted.push({ owner, type: String((data as { type?: unknown }).type) });
          for (const other of this.open) {
            if (other === me || other.name !== name) continue;
            this.deliver(() => {
              if (!this.open.has(other) || this.muted.has(other.owner)) return;
              for (const l of other.listeners) l({ data: structuredClone(data) });
            });
          }
        },
        addEventListener: (_t, l) => void me.listeners.add(l),
        removeEventListener: (_t, l) => void me.listeners.delete(l),
        close: () => void this.open.delete(me),
      };
    };
  }

  openCount(owner?: string): number {
    return [...this.open].filter((c) => owner === undefined || c.owner === owner).length;
  }

  crash(owner: string) {
    for (const c of [...this.open]) if (c.owner === owner) this.open.delete(c);
  }
}

/** The database the fake engines sync from: a version that every change bumps. */
export class FakeWorld {
  version = 0;
  syncs = 0;
  engines: FakeEngine[] = [];
  revenueSeriesCalls = 0;
  signedIn = true;

  change() {
    this.version += 1;
    for (const e of this.engines) e.onChange();
  }

  running(): FakeEngine[] {
    return this.engines.filter((e) => e.running);
  }
}

export const USER = 'user-1';

export function jwtFor(sub: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256' })}.${b64({ sub, role: 'authenticated' })}.sig`;
}

/** The engine seen from outside: start (with resume), one sync per change while running, pause, stop. */
export class FakeEngine implements LiveEngine {
  running = false;
  paused = false;
  stopped = false;
  resumedFrom: DashboardData | null = null;
  olderLoads = 0;
  range: RevenueRange;

  constructor(
    private readonly world: FakeWorld,
    private readonly stores: ViewStores,
    range: RevenueRange,
    readonly visibility: PageVisibility,
  ) {
    this.range = range;
  }

  start(opts?: LiveEngineStartOptions) {
    this.running = true;
    this.resumedFrom = opts?.resume ?? null;
    if (opts?.resume) this.stores.dashboard.setState(opts.resume);
    queueMicrotask(() => {
      if (!this.running) return;
      this.stores.session.getState().signedIn({ id: USER, email: 'a@example.com', displayName: 'A', role: 'admin' });
      this.stores.connection.setState({ state: 'live' });
      this.sync();
    });
  }

  private sync() {
    if (!this.running || this.paused) return;
    this.world.syncs += 1;
    const v = this.world.version;
    const points = Array.from({ length: this.range === '24h' ? 24 : Number(this.range.slice(0, -1)) }, (_, i) => ({
      bucketStart: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      revenueCents: v * 100 + i,
      ordersCount: v,
    }));
    this.stores.dashboard.setState({
      cursor: v,
      kpis: { status: 'ready', data: { totalRevenueCents: v, productsSold: v, ordersCount: v, activeRepairs: v, newTickets24h: v, asOf: 'x', previous: { totalRevenueCents: 0, productsSold: 0, ordersCount: 0, activeRepairs: 0, newTickets24h: 0 } }, error: null },
      revenue: { status: 'ready', data: points, error: null, range: this.range },
    });
  }

  onChange() {
    queueMicrotask(() => this.sync());
  }

  stop() {
    this.running = false;
    this.stopped = true;
  }
  pause() {
    this.paused = true;
    this.stores.connection.setState({ state: 'paused' });
  }
  resume() {
    this.paused = false;
    this.stores.connection.setState({ state: 'live' });
    this.sync();
  }
  setRevenueRange(range: RevenueRange) {
    this.range = range;
    this.stores.dashboard.setState({ revenue: { status: 'loading', data: null, error: null, range } });
    this.sync();
  }
  loadOlderActivity() {
    this.olderLoads += 1;
  }
  retry() {}
  signIn = async () => ({ error: null });
  async signOut() {
    this.world.signedIn = false;
    this.running = false;
    this.stores.dashboard.setState({ cursor: 0 });
    this.stores.session.getState().signedOut(null);
  }
  isIdle = () => true;
  peek = () => ({ data: this.stores.dashboard.getState(), connection: this.stores.connection.getState() });
}

export function fakeApi(world: FakeWorld): LiveApi {
  const unused = () => Promise.reject(new Error('not used by the tabs'));
  return {
    syncDashboard: unused,
    parseDashboardDelta: () => {
      throw new Error('not used by the tabs');
    },
    getActivityFeed: unused,
    refreshSession: unused,
    getRevenueSeriesAtHead: vi.fn(async (_c, params) => {
      world.revenueSeriesCalls += 1;
      const count = params.bucket === 'hour' ? 24 : 7;
      const points = Array.from({ length: count }, (_, i) => ({ bucketStart: new Date(Date.parse(params.to) - (count - 1 - i) * 3_600_000).toISOString(), revenueCents: world.version, ordersCount: 0 }));
      return { points, deltaSeq: 0, deltaSentAtMicros: 0 };
    }),
    getCurrentStaff: async () => ({ id: USER, email: 'a@example.com', displayName: 'A', role: 'admin' }),
    signInWithPassword: async () => {
      world.signedIn = true;
      return { accessToken: jwtFor(USER), expiresAt: null };
    },
    signOut: async () => {
      world.signedIn = false;
    },
    getSession: async () => (world.signedIn ? { accessToken: jwtFor(USER), expiresAt: null } : null),
  };
}

export interface FakeTab {
  id: string;
  tabs: TabsCoordinator;
  stores: ViewStores;
  engines: FakeEngine[];
  lifecycle(event: PageLifecycleEvent): void;
  setHidden(hidden: boolean): void;
  realtime: { disconnect: ReturnType<typeof vi.fn> };
  auth(event: string): void;
}

export const clock: TabsClock = {
  monotonic: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h),
  random: () => 0.5,
};

/** One browser: tabs share the locks and channels. */
export function createBrowser() {
  const locks = new FakeLocks();
  const channels = new FakeChannels();
  const world = new FakeWorld();
  const api = fakeApi(world);
  let n = 0;

  function openTab(): FakeTab {
    n += 1;
    const id = `tab-${String(n).padStart(3, '0')}`;
    const stores: ViewStores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
    const lifecycle = new Set<(e: PageLifecycleEvent) => void>();
    const auth = new Set<(e: string) => void>();
    const engines: FakeEngine[] = [];
    const platform: TabsPlatform = {
      locks: locks.forTab(id),
      openChannel: channels.forTab(id),
      onLifecycle: (h) => {
        lifecycle.add(h);
        return () => lifecycle.delete(h);
      },
    };
    const realtime = { getChannels: () => [] as unknown[], disconnect: vi.fn(async () => 'ok') };
    const client = {
      realtime,
      auth: {
        onAuthStateChange: (cb: (event: string) => void) => {
          auth.add(cb);
          return { data: { subscription: { unsubscribe: () => auth.delete(cb) } } };
        },
      },
    } as unknown as AppSupabaseClient;
    const visibility = { hidden: false, handlers: new Set<(hidden: boolean) => void>() };
    const tabs = createTabsCoordinator({
      client,
      api,
      platform,
      clock,
      projectUrl: 'http://127.0.0.1:54321',
      stores,
      tabId: id,
      visibility: {
        isHidden: () => visibility.hidden,
        onVisibilityChange: (h) => {
          visibility.handlers.add(h);
          return () => void visibility.handlers.delete(h);
        },
      },
      createEngine: (engineStores, range, shared) => {
        const engine = new FakeEngine(world, engineStores, range, shared);
        engines.push(engine);
        world.engines.push(engine);
        return engine;
      },
    });
    tabs.start();
    return {
      id,
      tabs,
      stores,
      engines,
      realtime,
      setHidden: (hidden: boolean) => {
        visibility.hidden = hidden;
        for (const h of [...visibility.handlers]) h(hidden);
      },
      lifecycle: (e) => {
        for (const h of [...lifecycle]) h(e);
      },
      auth: (e) => {
        for (const h of [...auth]) h(e);
      },
    };
  }

  /** the page dies without running any more of its code */
  function crash(tab: FakeTab) {
    channels.crash(tab.id);
    locks.crash(tab.id);
    // nothing it does from now on reaches anyone; stopping only ends its timers in this test process
    tab.tabs.stop();
  }

  return { locks, channels, world, api, openTab, crash };
}

export async function advance(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
}

export function kpiOf(tab: FakeTab): number | null {
  return tab.stores.dashboard.getState().kpis.data?.activeRepairs ?? null;
}
