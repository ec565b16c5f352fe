import { expect, vi } from 'vitest';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveApi } from '@/live/live-api';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore } from '@/live/stores/session-store';
import { createLiveEngine } from '@/live/engine';
import type { LiveEngineOptions } from '@/live/engine-options';
import { transportFor } from '@/live/transport/transport-for';
import type { ActivityItem, LiveEnvironment, StaffRole, SyncParams } from '@/live/types';
import { parseDashboardDelta } from '@/features/metrics/api/parse-dashboard-delta';
import { parseDashboardSync } from '@/features/metrics/api/sync-dashboard';
import { shiftBuckets } from '@/live/revenue-window';
import { parseActivityFeed } from '@/lib/parse-activity';

type Callback = (payload: unknown) => void;
type StatusCallback = (status: string, err?: Error) => void;

/** A realtime channel as supabase-js exposes it, driven by the test. */
export class FakeChannel {
  readonly name: string;
  readonly topic: string;
  readonly options: Record<string, unknown>;
  table: string | null = null;
  /** the broadcast event listened to (broadcast mode: 'delta') */
  broadcastEvent: string | null = null;
  private changeHandlers: Callback[] = [];
  private broadcastHandlers: Callback[] = [];
  private systemHandlers: Callback[] = [];
  private statusCallback: StatusCallback | null = null;
  removed = false;
  joinPayload: Record<string, unknown> = { config: {} };
  readonly joinPush = { payload: () => this.joinPayload };

  constructor(name: string, options: Record<string, unknown> = {}) {
    this.name = name;
    this.topic = `realtime:${name}`;
    this.options = options;
  }

  on(type: string, filter: Record<string, unknown>, cb: Callback): this {
    if (type === 'broadcast') {
      this.broadcastEvent = typeof filter.event === 'string' ? filter.event : null;
      this.broadcastHandlers.push(cb);
    } else if (type === 'postgres_changes') {
      this.table = typeof filter.table === 'string' ? filter.table : null;
      this.changeHandlers.push(cb);
    } else if (type === 'system') {
      this.systemHandlers.push(cb);
    }
    return this;
  }

  subscribe(cb: StatusCallback): this {
    this.statusCallback = cb;
    return this;
  }

  status(status: 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'TIMED_OUT' | 'CLOSED', err?: Error) {
    this.statusCallback?.(status, err);
  }

  system(payload: Record<string, unknown>) {
    for (const cb of this.systemHandlers) cb(payload);
  }

  /** SUBSCRIBED then the server's "Subscribed to PostgreSQL" */
  ready() {
    this.status('SUBSCRIBED');
    this.system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: this.name });
  }

  change(payload: unknown) {
    for (const cb of this.changeHandlers) cb(payload);
  }

  /** a `delta` broadcast, as realtime-js hands it to the callback */
  delta(payload: unknown) {
    for (const cb of this.broadcastHandlers) cb({ type: 'broadcast', event: 'delta', payload });
  }
}

export class FakeClient {
  channels: FakeChannel[] = [];
  removed: FakeChannel[] = [];
  tokens: (string | null)[] = [];
  private authListeners: ((event: string) => void)[] = [];

  readonly realtime = {
    setAuth: vi.fn(async (token: string | null = null) => {
      this.tokens.push(token);
    }),
  };

  readonly auth = {
    onAuthStateChange: (cb: (event: string) => void) => {
      this.authListeners.push(cb);
      return { data: { subscription: { unsubscribe: () => (this.authListeners = this.authListeners.filter((l) => l !== cb)) } } };
    },
  };

  channel(name: string, options: Record<string, unknown> = {}) {
    const ch = new FakeChannel(name, options);
    this.channels.push(ch);
    return ch;
  }

  getChannels(): FakeChannel[] {
    return this.channels.filter((c) => !c.removed);
  }

  /** the open channel of a broadcast topic (without `realtime:`), or null */
  topicChannel(topic: string): FakeChannel | null {
    return this.getChannels().find((c) => c.name === topic && c.table === null) ?? null;
  }

  async removeChannel(ch: FakeChannel) {
    ch.removed = true;
    this.removed.push(ch);
    return 'ok';
  }

  emitAuth(event: string) {
    for (const l of this.authListeners) l(event);
  }

  /** channels not removed, by table */
  open(): Map<string, FakeChannel> {
    const map = new Map<string, FakeChannel>();
    for (const ch of this.channels) if (!ch.removed && ch.table) map.set(ch.table, ch);
    return map;
  }

  openFor(table: string): FakeChannel {
    const ch = this.open().get(table);
    if (!ch) throw new Error(`no open channel for ${table}`);
    return ch;
  }

  readyAll() {
    for (const ch of this.open().values()) ch.ready();
    for (const ch of this.getChannels()) if (ch.table === null && ch.broadcastEvent !== null) ch.status('SUBSCRIBED');
  }

  asClient(): AppSupabaseClient {
    return this as unknown as AppSupabaseClient;
  }
}

/** The database as the RPCs see it: one activity log per epoch, read through dashboard_sync. */
export class FakeDb {
  activity: ActivityItem[] = [];
  epoch = 'epoch-1';
  tickets: { createdAt: number; status: string }[] = [];
  revenueCents = 0;
  role: StaffRole = 'admin';
  unreachable = false;
  /** the HTTP status an unreachable server answers with (0 = fetch failed, or a 502/503/504 proxy) */
  unreachableStatus = 0;
  /** PostgREST answers 401 "JWT expired" until the session is refreshed */
  jwtExpired = false;
  failing = new Set<string>();
  /** dashboard_sync answers this raw JSON instead (a server off the contract) */
  malformed: unknown = undefined;
  calls: { fn: string; params: unknown }[] = [];
  /** net revenue per UTC hour written by commit(); revenueCents beyond their sum counts as the current hour */
  revenueByHour = new Map<number, { cents: number; orders: number }>();
  /** per topic: the last delta's number and sent_at (µs), as private.dashboard_delta_heads holds them */
  heads: Record<StaffRole, { seq: number; sentAt: number }> = { admin: { seq: 0, sentAt: 0 }, support: { seq: 0, sentAt: 0 } };
  private nextId = 1;
  private epochs = 1;
  private clock = 0;

  /** the database's clock_timestamp() in µs: strictly increasing, never behind Date.now() */
  clockMicros(): number {
    this.clock = Math.max(Date.now() * 1000, this.clock + 1);
    return this.clock;
  }

  addActivity(kind: ActivityItem['kind'] = 'ticket_created', entityType: ActivityItem['entityType'] = 'ticket'): ActivityItem {
    const id = this.nextId++;
    const item: ActivityItem = {
      id,
      kind,
      entityType,
      entityId: `00000000-0000-0000-0000-${String(id).padStart(12, '0')}`,
      occurredAt: new Date(Date.now()).toISOString(),
      summary: { ticket_number: 1000 + id },
    };
    this.activity.push(item);
    return item;
  }

  addTicket(): void {
    this.tickets.push({ createdAt: Date.now(), status: 'open' });
    this.addActivity('ticket_created', 'ticket');
  }

  /** TRUNCATE, restore or failover: ids start again from 1 under a new epoch */
  resetLog(): void {
    this.activity = [];
    this.tickets = [];
    this.revenueByHour.clear();
    this.revenueCents = 0;
    this.nextId = 1;
    this.epochs += 1;
    this.epoch = `epoch-${this.epochs}`;
  }

  /** the caller's visible log, oldest first (support never sees order rows) */
  visible(): ActivityItem[] {
    return this.role === 'support' ? this.activity.filter((a) => a.entityType !== 'order') : this.activity;
  }

  newTickets24h(): number {
    return this.tickets.filter((t) => Date.now() - t.createdAt < 24 * 3_600_000).length;
  }

  guard(fn: string, params: unknown) {
    this.calls.push({ fn, params });
    if (this.unreachable) throw new ApiError('TypeError: fetch failed', this.unreachableStatus, '');
    if (this.jwtExpired) throw new ApiError('JWT expired', 401, 'PGRST301');
    if (this.failing.has(fn)) throw new ApiError(`${fn} failed`, 500, 'XX000');
  }

  count(fn: string): number {
    return this.calls.filter((c) => c.fn === fn).length;
  }

  visibleTo(role: StaffRole): ActivityItem[] {
    return role === 'support' ? this.activity.filter((a) => a.entityType !== 'order') : this.activity;
  }

  kpisJson(role: StaffRole, cursor: number, asOf: string): Record<string, unknown> {
    const admin = role === 'admin';
    const values = {
      total_revenue_cents: admin ? this.revenueCents : null,
      products_sold: admin ? 0 : null,
      orders_count: admin ? 0 : null,
      active_repairs: this.tickets.length,
      new_tickets_24h: this.newTickets24h(),
    };
    return { ...values, as_of: asOf, cursor, role, previous: { ...values } };
  }

  /** revenue per bucket from `from` to now (hour: UTC hours; day: the viewer's days, as p_tz makes them) */
  revenueJson(from: string, bucket: 'hour' | 'day'): { bucket_start: string; revenue_cents: number; orders_count: number }[] {
    const step = (t: number) => (bucket === 'hour' ? t + 3_600_000 : shiftBuckets('7d', t, 1));
    const points = [];
    for (let t = Date.parse(from); t <= Date.now(); t = step(t)) {
      let cents = 0;
      let orders = 0;
      for (const [hour, r] of this.revenueByHour) {
        if (hour >= t && hour < step(t)) {
          cents += r.cents;
          orders += r.orders;
        }
      }
      points.push({ bucket_start: new Date(t).toISOString(), revenue_cents: cents, orders_count: orders });
    }
    const last = points.at(-1);
    const byHour = [...this.revenueByHour.values()].reduce((sum, r) => sum + r.cents, 0);
    if (last) last.revenue_cents += this.revenueCents - byHour;
    return points;
  }

  /**
   * One writing transaction, committed: its rows, its net revenue per UTC hour, a new ticket. Returns
   * the deltas the contract's trigger would send (support's null when it has nothing for support).
   */
  commit(tx: { rows?: [ActivityItem['kind'], ActivityItem['entityType']][]; revenue?: { hour: number; cents: number; orders: number }[]; ticket?: boolean }) {
    const before = { admin: this.visibleTo('admin').at(-1)?.id ?? 0, support: this.visibleTo('support').at(-1)?.id ?? 0 };
    const rows = (tx.rows ?? []).map(([kind, entityType]) => this.addActivity(kind, entityType));
    if (tx.ticket) {
      this.tickets.push({ createdAt: Date.now(), status: 'open' });
      rows.push(this.addActivity('ticket_created', 'ticket'));
    }
    for (const r of tx.revenue ?? []) {
      const held = this.revenueByHour.get(r.hour) ?? { cents: 0, orders: 0 };
      this.revenueByHour.set(r.hour, { cents: held.cents + r.cents, orders: held.orders + r.orders });
      this.revenueCents += r.cents;
    }
    const sentAt = this.clockMicros();
    const delta = (role: StaffRole) => {
      const mine = rows.filter((a) => role === 'admin' || a.entityType !== 'order').reverse();
      const cursor = this.visibleTo(role).at(-1)?.id ?? 0;
      const prev = this.heads[role];
      this.heads[role] = { seq: prev.seq + 1, sentAt };
      const touched = (type: ActivityItem['entityType']) => {
        const ids = [...new Set(mine.filter((a) => a.entityType === type).map((a) => a.entityId))];
        return ids.length > 100 ? 'many' : ids;
      };
      return {
        epoch: this.epoch,
        seq: this.heads[role].seq,
        prev_sent_at: prev.seq === 0 ? null : microsIso(prev.sentAt),
        touched: { tickets: touched('ticket'), orders: touched('order'), customers: touched('customer'), products: touched('product') },
        from_cursor: before[role],
        cursor,
        feed: mine.slice(0, 100).map(toRow),
        feed_complete: mine.length <= 100,
        kpis: this.kpisJson(role, cursor, new Date(Date.now()).toISOString()),
        ticket_status: [{ status: 'open', count: this.tickets.length }],
        ticket_aging: tx.ticket ? [{ bucket: '0-1d', count: this.tickets.length }] : null,
        revenue: role === 'admin' ? (tx.revenue ?? []).map((r) => ({ hour: new Date(r.hour).toISOString(), revenue_cents: r.cents, orders_count: r.orders, items_sold: r.orders })) : null,
        sent_at: microsIso(sentAt),
        id: `msg-${sentAt}`,
      };
    };
    const supportSees = tx.ticket === true || rows.some((a) => a.entityType !== 'order');
    return { admin: delta('admin'), support: supportSees ? delta('support') : null };
  }

  /** dashboard_sync's jsonb, as the contract describes it */
  syncJson(p: SyncParams): Record<string, unknown> {
    const visible = this.visible();
    const cursor = visible.at(-1)?.id ?? 0;
    // the anchor: the row with id = p_after must still be there with the same occurred_at
    const anchor = p.after !== null && p.afterAt != null ? visible.find((a) => a.id === p.after) : undefined;
    const anchorGone = p.after !== null && p.afterAt != null && (anchor === undefined || anchor.occurredAt !== p.afterAt);
    const reset = (p.epoch !== null && p.epoch !== this.epoch) || anchorGone;
    // as dashboard_sync does: a reset answers a fresh snapshot (p_after is ignored)
    const after = reset ? null : p.after;
    const rows = visible.filter((a) => after === null || a.id > after).reverse();
    const admin = this.role === 'admin';
    const revenue = admin && p.revenueFrom !== null ? this.revenueJson(p.revenueFrom, p.bucket) : null;
    // as_of: a clock read after the snapshot (the engine orders deltas against it)
    const asOf = new Date(Math.floor(this.clockMicros() / 1000)).toISOString();
    return {
      epoch: this.epoch,
      reset,
      cursor,
      feed: rows.slice(0, p.limit).map(toRow),
      feed_complete: rows.length <= p.limit,
      kpis: this.kpisJson(this.role, cursor, asOf),
      ticket_status: [{ status: 'open', count: this.tickets.length }],
      revenue,
      ticket_aging: [{ bucket: '0-1d', count: this.tickets.length }],
      delta_seq: this.heads[this.role].seq,
      delta_sent_at: this.heads[this.role].seq === 0 ? null : microsIso(this.heads[this.role].sentAt),
    };
  }

  /** activity_feed(p_before, p_limit): older rows, newest first */
  olderJson(params: { limit: number; before?: number }): unknown[] {
    const newest = [...this.visible()].reverse();
    return (params.before !== undefined ? newest.filter((a) => a.id < params.before!) : newest).slice(0, params.limit).map(toRow);
  }
}

/** µs since the epoch → a timestamptz as Postgres writes it into JSON */
export function microsIso(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}${String(us % 1000).padStart(3, '0')}+00:00`;
}

export function toRow(a: ActivityItem) {
  return { id: a.id, kind: a.kind, entity_type: a.entityType, entity_id: a.entityId, occurred_at: a.occurredAt, summary: a.summary };
}

export function createFakeApi(db: FakeDb, session: { valid: boolean; refreshable: boolean; token: string; refreshUnreachable?: boolean }) {
  let refreshCount = 0;
  const api: LiveApi = {
    syncDashboard: vi.fn(async (_c, params) => {
      await Promise.resolve();
      db.guard('dashboard_sync', params);
      return parseDashboardSync(db.malformed !== undefined ? db.malformed : db.syncJson(params));
    }),
    parseDashboardDelta,
    getRevenueSeriesAtHead: vi.fn(async (_c, params) => {
      await Promise.resolve();
      db.guard('revenue_series_at_head', params);
      const json = db.syncJson({ after: null, epoch: null, limit: 1, revenueFrom: params.from, bucket: params.bucket, tz: params.tz ?? 'UTC' });
      const snapshot = parseDashboardSync(json);
      return { points: snapshot.revenue ?? [], deltaSeq: snapshot.deltaSeq, deltaSentAtMicros: snapshot.deltaSentAtMicros };
    }),
    getActivityFeed: vi.fn(async (_c, params) => {
      await Promise.resolve();
      db.guard('activity_feed', params);
      return parseActivityFeed(db.olderJson(params));
    }),
    getCurrentStaff: vi.fn(async () => {
      await Promise.resolve();
      db.guard('current_staff', null);
      return { id: 'u1', email: `${db.role}@example.com`, displayName: db.role, role: db.role };
    }),
    signInWithPassword: vi.fn(async (_c, params) => {
      await Promise.resolve();
      if (params.password !== 'password123') throw new ApiError('Invalid login credentials', 400, 'invalid_credentials');
      session.valid = true;
      return { accessToken: session.token, expiresAt: null };
    }),
    signOut: vi.fn(async () => {
      session.valid = false;
    }),
    getSession: vi.fn(async () => {
      await Promise.resolve();
      return session.valid ? { accessToken: session.token, expiresAt: null } : null;
    }),
    refreshSession: vi.fn(async () => {
      await Promise.resolve();
      if (session.refreshUnreachable) throw new ApiError('fetch failed', 0, 'network');
      if (!session.refreshable) {
        session.valid = false;
        throw new ApiError('Invalid Refresh Token: Refresh Token Not Found', 400, 'refresh_token_not_found');
      }
      refreshCount += 1;
      db.jwtExpired = false;
      session.token = `token-${refreshCount + 1}`;
      return { accessToken: session.token, expiresAt: null };
    }),
  };
  return api;
}

export function createFakeEnv() {
  let hidden = false;
  let online = true;
  const visibility = new Set<(hidden: boolean) => void>();
  const onlineHandlers = new Set<(online: boolean) => void>();
  const env: LiveEnvironment = {
    now: () => Date.now(),
    // vitest fakes performance.now() too; vi.setSystemTime() steps only the wall clock
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h),
    random: () => 0.5,
    requestFrame: (fn) => void setTimeout(fn, 16),
    isHidden: () => hidden,
    onVisibilityChange: (h) => {
      visibility.add(h);
      return () => visibility.delete(h);
    },
    isOnline: () => online,
    onOnlineChange: (h) => {
      onlineHandlers.add(h);
      return () => onlineHandlers.delete(h);
    },
  };
  return {
    env,
    setHidden(value: boolean) {
      hidden = value;
      for (const h of visibility) h(value);
    },
    setOnline(value: boolean) {
      online = value;
      for (const h of onlineHandlers) h(value);
    },
    listenerCount: () => visibility.size + onlineHandlers.size,
  };
}

export interface SetupOptions {
  role?: StaffRole;
  signedIn?: boolean;
  options?: Partial<LiveEngineOptions>;
  /** share a database with another engine (a second tab) */
  db?: FakeDb;
}

export function setupEngine({ role = 'admin', signedIn = true, options, db = new FakeDb() }: SetupOptions = {}) {
  db.role = role;
  const session = { valid: signedIn, refreshable: true, token: 'token-1', refreshUnreachable: false };
  const client = new FakeClient();
  const api = createFakeApi(db, session);
  const fakeEnv = createFakeEnv();
  const stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
  // these fakes drive postgres_changes unless a test asks for broadcast (engine-broadcast, delta-property)
  const engine = createLiveEngine({ client: client.asClient(), api, env: fakeEnv.env, stores, options: { transport: 'postgres_changes', ...options }, transportFor });
  return { db, session, client, api, fakeEnv, stores, engine };
}

/** Lets promises and due timers run. */
export async function settle(ms = 0) {
  await vi.advanceTimersByTimeAsync(ms);
}

export function change(table: string, eventType = 'INSERT', id: number | string = 1, at = Date.now()) {
  return {
    schema: 'public',
    table,
    commit_timestamp: new Date(at).toISOString(),
    eventType,
    new: eventType === 'DELETE' ? {} : { id },
    old: eventType === 'INSERT' ? {} : { id },
    errors: null,
  };
}

/** An engine that is started, subscribed and live, with the start-up RPC calls forgotten. */
export async function liveEngine(opts: SetupOptions = {}) {
  const setup = setupEngine(opts);
  setup.engine.start();
  await settle();
  setup.client.readyAll();
  await settle(700);
  expect(setup.stores.connection.getState().state).toBe('live');
  setup.db.calls.length = 0;
  return setup;
}
