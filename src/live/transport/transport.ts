import type { AppSupabaseClient } from '@/lib/supabase';
import type { DashboardAction, DashboardData } from '../dashboard-data';
import type { SyncVerdict } from '../delta-ledger';
import type { LiveEngineOptions } from '../engine-options';
import type { ConnectionEvent, DashboardDelta, RevenueChange, StaffRole, SyncParams, SyncSnapshot, TouchedEntities } from '../types';

// How changes reach the engine, behind one interface: the engine core (engine.ts, the channel set,
// the sync runner) never asks which transport is in use; `transportFor` (transport-for.ts) picks one,
// and the composition root (mount-live.ts) hands it to the engine.
//
// A transport is a list of topics. A topic names the channels it needs for the signed-in viewer
// (`keys`), opens one of them (`open`), and says what a payload received on it becomes
// (`receive`). The channel set keeps one channel per key (readiness watchdog, backoff, rejoin) and
// the engine is live only when every key's channel is ready. To add a topic (a per-user alerts
// topic, a presence channel): write a `Topic` beside the others and add it to the transport's list
// (`fromTopics([deltaTopic, alertsTopic])`); its keys must not collide with the other topics'
// (prefix them: `alerts:<user id>`). Nothing in the core changes.

/** What the channel set needs from one realtime channel (a table's postgres_changes, or the delta topic). */
export interface LiveChannel {
  readonly ready: boolean;
  dispose(): void;
}

export interface LiveChannelHandlers {
  onChange(payload: unknown): void;
  /** the channel delivers from now on */
  onReady(): void;
  /** the server redid the subscription on a ready channel (new token) */
  onResubscribed(): void;
  /** the channel can no longer deliver; `tokenProblem` = refresh the session before rejoining */
  onFailure(reason: string, tokenProblem: boolean): void;
}

/** A channel key: a table (postgres_changes) or a topic (broadcast). */
export type ChannelKey = string;

/** Who is signed in: what a topic's keys may depend on (a role's topic, a user's own topic). */
export interface Viewer {
  id: string;
  role: StaffRole;
}

/** One kind of channel of a transport. */
export interface Topic {
  /** the channels this viewer needs (none is fine); each key is opened once and kept open */
  keys(viewer: Viewer): ChannelKey[];
  /** opens the channel of one of this topic's keys */
  open(client: AppSupabaseClient, key: ChannelKey, handlers: LiveChannelHandlers): LiveChannel;
  /** a payload arrived on one of this topic's channels */
  receive(key: ChannelKey, payload: unknown): void;
}

/** What a transport may do to the engine it feeds. */
export interface TransportContext {
  opts: Pick<LiveEngineOptions, 'kpiRefreshMs' | 'broadcastRefreshMs'>;
  /** the typed parser at the edge (features/metrics/api); throws on a payload off the contract */
  parseDelta(payload: unknown): DashboardDelta;
  read(): DashboardData;
  act(action: DashboardAction): void;
  signal(event: ConnectionEvent): void;
  /** record into the change clock what a payload changed (EVERYTHING_TOUCHED when unknown) */
  touched(touched: TouchedEntities): void;
  /** one dashboard_sync as soon as the scheduler allows (it coalesces) */
  markDirty(): void;
  /** a sync is outstanding */
  syncInFlight(): boolean;
  /** the next sync asks for a fresh snapshot (nothing held can be trusted) */
  requestSnapshot(): void;
  /** the newest commit among the pushes waiting for the next sync (commit-to-screen delay) */
  noteCommit(commitMs: number): void;
  feedCap(): number;
  resetFeedCap(): void;
  now(): number;
  monotonic(): number;
}

/** The sync runner's hooks: how an answer lands against what the transport applied meanwhile. */
export interface SyncHooks {
  /** a sync request is about to be sent; pass the result to landed() */
  sent(): number;
  /** 'take': apply the answer, then call afterTaken(); 'keep-held': what is held is provably newer */
  landed(params: SyncParams, sync: SyncSnapshot, sentTick: number): SyncVerdict;
  afterTaken(): void;
}

/** One transport, bound to one engine. */
export interface Transport extends SyncHooks {
  /** every channel key this viewer needs, over all the transport's topics */
  keys(viewer: Viewer): ChannelKey[];
  open(client: AppSupabaseClient, key: ChannelKey, handlers: LiveChannelHandlers): LiveChannel;
  /** only while the engine runs: what a payload on `key`'s channel does to the engine */
  receive(key: ChannelKey, payload: unknown): void;
  /** the longest the engine goes without a sync while nothing arrives (time windows move) */
  readonly refreshMs: number;
  /** a sync answer changed the revenue series */
  revenueReplaced(): void;
  /** a follower took over with what it was shown */
  seeded(): void;
  /** signed out: forget every position held */
  reset(): void;
  /**
   * Each change of the revenue series as it happens, when the transport can tell (its deltas carry
   * increments); undefined when it cannot, and readers re-read the series. Returns its unsubscribe.
   */
  readonly onRevenueChange?: (listener: (change: RevenueChange) => void) => () => void;
}

export type MakeTransport = (ctx: TransportContext) => Transport;
