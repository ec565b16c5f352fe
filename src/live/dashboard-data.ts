import type { ChangeClock, DashboardDelta, FeedWindow, OlderPage, TouchedEntities, Kpis, Loadable, RevenuePoint, RevenueRange, SyncSnapshot, TicketAging, TicketStatusCount } from './types';

export interface FeedState extends FeedWindow {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  loadingOlder: boolean;
}

/** Everything the dashboard shows; plain data (structured-clone safe), so a tab can hand it to another. */
export interface DashboardData {
  kpis: Loadable<Kpis>;
  /** data null with status 'ready' = not available for this role (support) */
  revenue: Loadable<RevenuePoint[]> & { range: RevenueRange };
  ticketStatus: Loadable<TicketStatusCount[]>;
  /** dashboard_sync's ticket_aging, passed through (null until a sync brought it) */
  ticketAging: TicketAging;
  feed: FeedState;
  /** highest activity id the held state is complete up to (dashboard_sync p_after) */
  cursor: number;
  /** the activity log's incarnation the state belongs to (dashboard_sync p_epoch); null before the first sync */
  epoch: string | null;
  /** which entities the changes heard of touched (the activity page re-reads what they affect) */
  changes: ChangeClock;
}

export type DashboardAction =
  | { type: 'reset' }
  /** a follower tab taking over: start from what it was shown */
  | { type: 'seed'; data: DashboardData }
  /**
   * One dashboard_sync answer. `replace`: the feed is a fresh snapshot (first sync, reset, or more
   * rows than one answer holds); otherwise its rows are every visible row after the cursor.
   */
  | { type: 'sync/applied'; sync: SyncSnapshot; replace: boolean; hasMore: boolean; cap: number; range: RevenueRange; now: number }
  /** one broadcast delta the engine's ledger placed right at the held cursor (see apply-delta.ts) */
  | { type: 'delta/applied'; delta: DashboardDelta; cap: number; now: number }
  /** a push, a delta, or a sync that may cover changes nobody pushed, recorded by the engine `origin` */
  | { type: 'changes/touched'; origin: string; touched: TouchedEntities }
  | { type: 'sync/failed'; error: string; network: boolean }
  | { type: 'kpis/loading' }
  | { type: 'revenue/loading'; range: RevenueRange }
  | { type: 'revenue/loaded'; range: RevenueRange; points: RevenuePoint[]; now: number }
  | { type: 'revenue/unavailable' }
  | { type: 'revenue/rolled'; now: number }
  | { type: 'ticketStatus/loading' }
  | { type: 'feed/loading' }
  | { type: 'feed/older-loading' }
  /** an older page; dropped unless it joins the window's oldest row (see appendOlder) */
  | { type: 'feed/older-loaded'; page: OlderPage; cap: number }
  | { type: 'feed/older-failed'; error: string }
  | { type: 'feed/older-cancelled' };
