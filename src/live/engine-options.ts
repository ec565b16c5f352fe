import type { LiveTransport, RevenueRange } from './types';

export interface LiveEngineOptions {
  /** how changes reach the engine (src/live/transport/: postgres-changes.ts, broadcast.ts) */
  transport: LiveTransport;
  /** newest N activity items kept in memory (older pages raise it up to maxFeedCap) */
  feedCap: number;
  maxFeedCap: number;
  olderPageSize: number;
  /** dashboard_sync p_limit; more rows than that after the cursor → the answer is a fresh snapshot */
  syncPageSize: number;
  /** token bucket: this many syncs at once, then at most syncRatePerSec (whatever the event rate) */
  syncBurst: number;
  syncRatePerSec: number;
  /** backoff after the n-th failed sync in a row (jittered; the last one repeats) */
  syncRetryDelaysMs: readonly number[];
  /** no confirmed subscription by then → polling (the channels keep trying) */
  readyTimeoutMs: number;
  /** a channel still not confirmed by then is recreated */
  channelReadyTimeoutMs: number;
  pollIntervalMs: number;
  hiddenPollIntervalMs: number;
  /** ± fraction of randomness on poll and reconnect delays */
  jitter: number;
  /** KPIs are re-read at least this often, so time-window KPIs stay right without events */
  kpiRefreshMs: number;
  /** the same in broadcast mode, where deltas carry fresh KPIs: at most one timer sync a minute */
  broadcastRefreshMs: number;
  reconnectDelaysMs: readonly number[];
  /** clock check period; a monotonic gap beyond tickMs + sleepGapMs means the machine slept */
  tickMs: number;
  sleepGapMs: number;
  /** wall clock moved this much more (or less) than the monotonic one: reschedule the boundaries */
  clockDriftMs: number;
  /** offline longer than this → refresh the session before reconnecting */
  longOfflineMs: number;
  revenueRange: RevenueRange;
}

export const DEFAULT_LIVE_OPTIONS: LiveEngineOptions = {
  transport: 'broadcast',
  feedCap: 100,
  maxFeedCap: 1000,
  olderPageSize: 50,
  syncPageSize: 100,
  syncBurst: 4,
  syncRatePerSec: 3,
  syncRetryDelaysMs: [250, 1_000, 2_000, 5_000],
  readyTimeoutMs: 10_000,
  channelReadyTimeoutMs: 30_000,
  pollIntervalMs: 5_000,
  hiddenPollIntervalMs: 30_000,
  jitter: 0.2,
  kpiRefreshMs: 30_000,
  broadcastRefreshMs: 60_000,
  reconnectDelaysMs: [1_000, 2_000, 5_000, 10_000, 30_000],
  tickMs: 5_000,
  // hidden tabs may run timers only once a minute: that is throttling, not sleep
  sleepGapMs: 120_000,
  clockDriftMs: 5_000,
  longOfflineMs: 60_000,
  revenueRange: '7d',
};

export function withJitter(ms: number, jitter: number, random: () => number): number {
  return Math.round(ms * (1 - jitter + 2 * jitter * random()));
}

