import type { DashboardAction } from './dashboard-reducer';
import type { LiveTable } from './parse-change';
import type { DashboardPart, RevenueRange, StaffRole } from './types';

export interface LiveEngineOptions {
  /** newest N activity items kept in memory (older pages raise it up to maxFeedCap) */
  feedCap: number;
  maxFeedCap: number;
  olderPageSize: number;
  /** activity_feed(p_after) page; a full page means the gap is bigger than the feed shows */
  catchUpPageSize: number;
  /** minimum time between two catch-ups: bounds RPCs per second whatever the event rate */
  minSyncIntervalMs: number;
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
  reconnectDelaysMs: readonly number[];
  /** clock check period; a gap beyond tickMs + sleepGapMs means the machine slept */
  tickMs: number;
  sleepGapMs: number;
  /** offline longer than this → refresh the session before reconnecting */
  longOfflineMs: number;
  revenueRange: RevenueRange;
}

export const DEFAULT_LIVE_OPTIONS: LiveEngineOptions = {
  feedCap: 100,
  maxFeedCap: 1000,
  olderPageSize: 50,
  catchUpPageSize: 500,
  minSyncIntervalMs: 500,
  readyTimeoutMs: 10_000,
  channelReadyTimeoutMs: 30_000,
  pollIntervalMs: 5_000,
  hiddenPollIntervalMs: 30_000,
  jitter: 0.2,
  kpiRefreshMs: 30_000,
  reconnectDelaysMs: [1_000, 2_000, 5_000, 10_000, 30_000],
  tickMs: 5_000,
  // hidden tabs may run timers only once a minute: that is throttling, not sleep
  sleepGapMs: 120_000,
  longOfflineMs: 60_000,
  revenueRange: '7d',
};

export const ALL_PARTS: readonly DashboardPart[] = ['kpis', 'revenue', 'ticketStatus', 'feed'];

/** What a change on each table can move on screen. */
export const PARTS_BY_TABLE: Record<LiveTable, readonly DashboardPart[]> = {
  tickets: ['feed', 'kpis', 'ticketStatus'],
  orders: ['feed', 'kpis', 'revenue'],
  customers: ['feed'],
  products: ['feed'],
};

export function tablesFor(role: StaffRole): LiveTable[] {
  // support cannot read orders: binding them would only fail
  return role === 'admin' ? ['tickets', 'orders', 'customers', 'products'] : ['tickets', 'customers', 'products'];
}

export function withJitter(ms: number, jitter: number, random: () => number): number {
  return Math.round(ms * (1 - jitter + 2 * jitter * random()));
}

export function failedAction(part: DashboardPart, error: string, range: RevenueRange): DashboardAction {
  switch (part) {
    case 'kpis':
      return { type: 'kpis/failed', error };
    case 'revenue':
      return { type: 'revenue/failed', error, range };
    case 'ticketStatus':
      return { type: 'ticketStatus/failed', error };
    case 'feed':
      return { type: 'feed/failed', error };
  }
}

export function loadingAction(part: DashboardPart, range: RevenueRange): DashboardAction {
  switch (part) {
    case 'kpis':
      return { type: 'kpis/loading' };
    case 'revenue':
      return { type: 'revenue/loading', range };
    case 'ticketStatus':
      return { type: 'ticketStatus/loading' };
    case 'feed':
      return { type: 'feed/loading' };
  }
}
