import type { FeedWindow } from './feed-window';
import type { Kpis, Loadable, RevenuePoint, RevenueRange, TicketAging, TicketStatusCount } from './types';

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
}
