export type ConnectionState = 'connecting' | 'live' | 'polling' | 'offline' | 'paused';

/** Realtime health: the channels alone. */
export type RealtimeHealth = 'connecting' | 'ready' | 'down';
/** API reachability: the sync calls alone ('error' = reachable but refused or malformed). */
export type ApiHealth = 'unknown' | 'ok' | 'unreachable' | 'error';

/** The two healths the shown state is derived from (see connection-machine.ts). */
export interface ConnectionHealth {
  realtime: RealtimeHealth;
  api: ApiHealth;
  /** bumped each time every channel is ready; `live` needs a sync started after the latest one */
  readyMark: number;
  /** the readyMark the last successful sync started under (-1: none) */
  coveredMark: number;
  syncsMade: number;
  /** consecutive syncs refused or malformed (not network-class); SYNC_ERROR_LIMIT of them leave live */
  failedSyncs: number;
}

/** What the connection store holds. */
export type LiveConnection = ConnectionInfo & ConnectionHealth;

/** What the connection badge shows. */
export interface ConnectionInfo {
  state: ConnectionState;
  since: number;
  lastEventAt: number | null;
  reconnectAttempts: number;
  eventsReceived: number;
  pollsMade: number;
  pollIntervalMs: number | null;
  lastCommitToScreenMs: number | null;
  droppedPayloads: number;
  rpcErrors: number;
  lastError: string | null;
}

export type EntityType = 'ticket' | 'order' | 'customer' | 'product';

export type ActivityKind =
  | 'ticket_created'
  | 'ticket_status_changed'
  | 'ticket_deleted'
  | 'order_placed'
  | 'order_status_changed'
  | 'order_deleted'
  | 'customer_registered'
  | 'customer_updated'
  | 'customer_deleted'
  | 'product_created'
  | 'product_updated'
  | 'product_deleted';

export interface ActivityItem {
  id: number;
  kind: ActivityKind;
  entityType: EntityType;
  entityId: string;
  occurredAt: string;
  summary: Record<string, string | number | string[] | null>;
}

export interface KpiValues {
  totalRevenueCents: number | null;
  productsSold: number | null;
  ordersCount: number | null;
  activeRepairs: number;
  newTickets24h: number;
}

export interface Kpis extends KpiValues {
  asOf: string;
  previous: KpiValues;
}

export interface RevenuePoint {
  bucketStart: string;
  revenueCents: number;
  ordersCount: number;
}

/** 24h → hour buckets, else day buckets (UTC). */
export type RevenueRange = '24h' | '7d' | '30d' | '90d';

export type Loadable<T> = { status: 'loading' | 'ready' | 'error'; data: T | null; error: string | null };

export type StaffRole = 'admin' | 'support';

export interface StaffUser {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
}

/** Who is signed in, as the session store and the tabs' snapshots hold it. */
export interface SessionState {
  status: 'loading' | 'signed-in' | 'signed-out';
  user: StaffUser | null;
  /** why the user was signed out, e.g. SESSION_EXPIRED_MESSAGE */
  message: string | null;
}

export interface TicketStatusCount {
  status: string;
  count: number;
}

/** What dashboard_kpis returns beyond the KPIs the UI shows. */
export interface KpiSnapshot {
  kpis: Kpis;
  /** Highest activity_log id when the KPIs were computed (0 if none). */
  cursor: number;
  role: StaffRole;
}

/** A page of activity_feed rows: renderable items plus the highest id seen (unknown kinds are skipped). */
export interface ActivityPage {
  items: ActivityItem[];
  rowCount: number;
  maxId: number | null;
  skipped: number;
}

export interface SessionInfo {
  accessToken: string;
  /** Unix seconds, as in supabase-js sessions. */
  expiresAt: number | null;
}

export type DashboardPart = 'kpis' | 'revenue' | 'ticketStatus' | 'feed';

export interface LiveCommands {
  pause(): void;
  resume(): void;
  setRevenueRange(range: RevenueRange): void;
  loadOlderActivity(): void;
  retry(part: DashboardPart): void;
  signIn(email: string, password: string): Promise<{ error: string | null }>;
  signOut(): Promise<void>;
}

/** dashboard_sync's arguments, as the engine sends them. */
export interface SyncParams {
  /** null = a fresh snapshot */
  after: number | null;
  /**
   * the anchor (dashboard_sync p_after_at): occurred_at of the held row whose id = after, when it is
   * held. The server answers reset when that row is gone or changed (ids reissued, same epoch).
   */
  afterAt?: string | null;
  epoch: string | null;
  limit: number;
  /** null = no revenue series (support, or no chart) */
  revenueFrom: string | null;
  bucket: 'hour' | 'day';
  tz: string;
}

/** One dashboard_sync answer: everything on the overview and the feed, from one snapshot. */
export interface SyncSnapshot {
  epoch: string;
  /** the epoch we sent is not the log's any more: drop everything held, take this answer */
  reset: boolean;
  /** highest activity id visible to the caller (0 when there is none) */
  cursor: number;
  /** visible rows with id > after, newest first */
  feed: ActivityPage;
  /** false: more rows than `limit` exist after `after`; the answer is a fresh snapshot */
  feedComplete: boolean;
  kpis: Kpis;
  role: StaffRole;
  ticketStatus: TicketStatusCount[];
  /** null when not asked for or not allowed (support) */
  revenue: RevenuePoint[] | null;
  /** passed through untouched (the ticket-aging chart's helper owns its shape) */
  ticketAging: TicketAging;
  /** the newest delta of the caller's topic in this snapshot (0: none yet); see docs/delta-contract.md */
  deltaSeq: number;
  /** its sent_at in µs since the epoch (0: none) */
  deltaSentAtMicros: number;
}

/** JSON as dashboard_sync sends it; null when the field is absent. */
export type TicketAging = string | number | boolean | null | TicketAging[] | { [key: string]: TicketAging };

/** How the leader tab hears about changes: per-table postgres_changes, or the database's deltas. */
export type LiveTransport = 'postgres_changes' | 'broadcast';

/**
 * How the engine's revenue series just moved (broadcast mode): by a delta's increments, which a
 * series kept beside it can add too (unless its own read already included delta `seq`, sent at
 * `sentAtMicros`), or by a sync (read such a series again).
 */
export type RevenueChange = { source: 'delta'; seq: number; sentAtMicros: number; increments: RevenueIncrement[] } | { source: 'sync' };

/** revenue_series_at_head: the points, and the newest admin delta their snapshot includes (0 / 0: none). */
export interface SeriesAtHead {
  points: RevenuePoint[];
  deltaSeq: number;
  /** its sent_at in µs since the epoch (0: none) */
  deltaSentAtMicros: number;
}

/** A net revenue change a transaction made to one UTC hour (admin deltas only). */
export interface RevenueIncrement {
  /** UTC hour start (ms since the epoch) */
  hour: number;
  revenueCents: number;
  ordersCount: number;
  itemsSold: number;
}

/**
 * One `delta` message from the private topic `dashboard:<role>`: what one committed transaction
 * changed, for this audience, built once at commit (contract v2: docs/delta-contract.md).
 */
export interface DashboardDelta {
  epoch: string;
  /** the topic's number for this delta: commit order, one more than the previous committed one */
  seq: number;
  /** sent_at (µs) of the topic's previous committed delta: 0 for the first, null when unknown (a writer under an older snapshot) */
  prevSentAtMicros: number | null;
  /** the entities the transaction changed that this audience may see */
  touched: TouchedEntities;
  /** the audience's visible cursor before and after the transaction (equal: no visible rows) */
  fromCursor: number;
  cursor: number;
  /** the transaction's visible rows, newest first (the newest 100 when feedComplete is false) */
  feed: ActivityPage;
  feedComplete: boolean;
  kpis: Kpis;
  role: StaffRole;
  ticketStatus: TicketStatusCount[];
  /** null: the transaction touched no tickets (keep what is held) */
  ticketAging: TicketAging;
  /** admin: the net changes per UTC hour ([] when none); support: null */
  revenue: RevenueIncrement[] | null;
  /** clock_timestamp() when the database built it, in microseconds since the epoch */
  sentAtMicros: number;
}

/**
 * The entities a committed transaction changed, as the dashboard delta names them (contract v2,
 * see docs/delta-contract.md). Per table: the ids the delta's audience may see (support: no
 * orders), at most 100, or 'many' when the transaction changed more (re-read everything shown
 * from that table). An empty list: nothing of that table changed.
 *
 * Order lines (`order_items`) count as their order; a product's price or name change counts as
 * the product. Ticket priority, status, assignment and device edits count as the ticket.
 */
export type TouchedIds = readonly string[] | 'many';

export interface TouchedEntities {
  tickets: TouchedIds;
  orders: TouchedIds;
  customers: TouchedIds;
  products: TouchedIds;
}

/** The feed's window on the visible activity log (invariants and transitions: feed-window.ts). */
export interface FeedWindow {
  items: ActivityItem[];
  /** older rows exist below the window (trimmed, or never loaded) */
  hasMore: boolean;
  /** bumped whenever the window is replaced: a page asked for another window never joins this one */
  generation: number;
}

/** An older page of the feed, as asked for (see feed-window.ts appendOlder). */
export interface OlderPage {
  /** the p_before it was asked with */
  before: number;
  /** the window generation it was asked for */
  generation: number;
  rows: readonly ActivityItem[];
  /** the page came back full: there may be more below it */
  full: boolean;
}

/** Which entities the changes heard of touched, as a clock (invariants and transitions: change-clock.ts). */
export interface ChangeClock {
  /** the engine that records into this clock */
  origin: string;
  /** changes recorded so far by `origin` (the clock's own count: not a delta's or a tab message's seq) */
  seq: number;
  tables: Record<keyof TouchedEntities, ClockTable>;
}

export interface ClockTable {
  /** a reader behind this seq must treat the table as wholly changed */
  floor: number;
  /** id → seq of its latest change */
  ids: Record<string, number>;
}

/** Where a reader last looked. */
export interface ClockPosition {
  origin: string;
  /** the clock's `seq` when the reader looked */
  seq: number;
}

/** Everything that can happen to the connection: the input of connection-machine.ts's reducer. */
export type ConnectionEvent =
  /** start, resume, or signed in: (re)subscribing, nothing shown live yet */
  | { type: 'connect'; at: number }
  /** every channel is subscribed and the server confirmed postgres changes */
  | { type: 'realtime-ready'; at: number }
  /** channel error / timeout / close, system error, socket drop, ready timeout, browser offline */
  | { type: 'realtime-lost'; at: number; reason: string }
  /** a sync was applied; `mark` = the readyMark when it started (null: channels were not ready) */
  | { type: 'sync-ok'; at: number; mark: number | null }
  /** a sync failed: `network` = the server could not be reached (status 0/502/503/504) */
  | { type: 'sync-failed'; at: number; error: string; network: boolean }
  | { type: 'pause'; at: number }
  | { type: 'reconnect-attempt' }
  | { type: 'poll-made' }
  | { type: 'poll-interval'; ms: number | null }
  | { type: 'event-received'; at: number; count?: number }
  | { type: 'payload-dropped'; count?: number }
  /** a request outside the sync failed (older page, session) */
  | { type: 'rpc-error'; error: string }
  | { type: 'commit-to-screen'; ms: number }
  | { type: 'reset'; at: number };

/** What setTimeout returned: the page's own handle, or the id of a timer kept on a worker's clock. */
export type TimerHandle = ReturnType<typeof setTimeout> | number;

/**
 * Everything the engine needs from the outside world: clock, timers, randomness, frames, page
 * visibility and network status (the browser's: environment.ts).
 */
export interface LiveEnvironment {
  /** wall clock (ms since the epoch): only for time-window boundaries and server timestamps */
  now(): number;
  /** monotonic clock (ms): every interval, throttle and backoff; never steps with the wall clock */
  monotonic(): number;
  /**
   * One-shot timers that a hidden tab does not starve: in the browser they run on a dedicated
   * worker's clock (Chrome wakes a page hidden for 5 minutes once a minute for chained timers)
   */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  random(): number;
  /** at most one callback run per animation frame */
  requestFrame(fn: () => void): void;
  isHidden(): boolean;
  onVisibilityChange(handler: (hidden: boolean) => void): () => void;
  isOnline(): boolean;
  onOnlineChange(handler: (online: boolean) => void): () => void;
}
