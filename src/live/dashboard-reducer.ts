import { applyActivity } from './apply-activity';
import { applyKpis } from './apply-kpis';
import { rollRevenueSeries } from './revenue-window';
import type { ActivityItem, Kpis, Loadable, RevenuePoint, RevenueRange, TicketAging, TicketStatusCount } from './types';

export interface FeedState {
  /** newest first, capped */
  items: ActivityItem[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  hasMore: boolean;
  loadingOlder: boolean;
}

export interface DashboardData {
  kpis: Loadable<Kpis>;
  /** data null with status 'ready' = not available for this role (support) */
  revenue: Loadable<RevenuePoint[]> & { range: RevenueRange };
  ticketStatus: Loadable<TicketStatusCount[]>;
  /** filled by dashboard_sync (engine); loading until the first answer */
  ticketAging: Loadable<TicketAging>;
  feed: FeedState;
  /** highest activity_log id applied to the feed */
  cursor: number;
}

export type DashboardAction =
  | { type: 'reset' }
  | { type: 'kpis/loading' }
  | { type: 'kpis/loaded'; kpis: Kpis }
  | { type: 'kpis/failed'; error: string }
  | { type: 'revenue/loading'; range: RevenueRange }
  | { type: 'revenue/loaded'; range: RevenueRange; points: RevenuePoint[]; now: number }
  | { type: 'revenue/unavailable' }
  | { type: 'revenue/failed'; range: RevenueRange; error: string }
  | { type: 'revenue/rolled'; now: number }
  | { type: 'ticketStatus/loading' }
  | { type: 'ticketStatus/loaded'; rows: TicketStatusCount[] }
  | { type: 'ticketStatus/failed'; error: string }
  | { type: 'feed/loading' }
  /** newest page read from scratch: replaces the feed (first load, or a gap too large to page through) */
  | { type: 'feed/snapshot'; items: ActivityItem[]; cursor: number; hasMore: boolean; cap: number }
  /** catch-up rows after the cursor */
  | { type: 'feed/caught-up'; items: ActivityItem[]; cursor: number; cap: number }
  | { type: 'feed/failed'; error: string }
  | { type: 'feed/older-loading' }
  | { type: 'feed/older-loaded'; items: ActivityItem[]; hasMore: boolean; cap: number }
  | { type: 'feed/older-failed'; error: string };

export function initialDashboardData(range: RevenueRange = '7d'): DashboardData {
  return {
    kpis: { status: 'loading', data: null, error: null },
    revenue: { status: 'loading', data: null, error: null, range },
    ticketStatus: { status: 'loading', data: null, error: null },
    ticketAging: { status: 'loading', data: null, error: null },
    feed: { items: [], status: 'loading', error: null, hasMore: false, loadingOlder: false },
    cursor: 0,
  };
}

/** A failed refresh keeps what is on screen (with the error); only a failed first load shows as error. */
function failed<T>(current: Loadable<T>, error: string): Loadable<T> {
  return current.data === null ? { status: 'error', data: null, error } : { ...current, status: 'ready', error };
}

export function dashboardReducer(state: DashboardData, action: DashboardAction): DashboardData {
  switch (action.type) {
    case 'reset':
      return initialDashboardData(state.revenue.range);
    case 'kpis/loading':
      return state.kpis.data ? state : { ...state, kpis: { status: 'loading', data: null, error: null } };
    case 'kpis/loaded': {
      const kpis = applyKpis(state.kpis, action.kpis);
      return kpis === state.kpis ? state : { ...state, kpis };
    }
    case 'kpis/failed':
      return { ...state, kpis: failed(state.kpis, action.error) };
    case 'revenue/loading':
      if (state.revenue.range === action.range && state.revenue.data) return state;
      return { ...state, revenue: { status: 'loading', data: null, error: null, range: action.range } };
    case 'revenue/loaded':
      if (action.range !== state.revenue.range) return state; // answer for a range no longer shown
      return {
        ...state,
        revenue: { status: 'ready', data: rollRevenueSeries(action.points, action.range, action.now), error: null, range: action.range },
      };
    case 'revenue/unavailable':
      return { ...state, revenue: { status: 'ready', data: null, error: null, range: state.revenue.range } };
    case 'revenue/failed':
      if (action.range !== state.revenue.range) return state;
      return { ...state, revenue: { ...failed(state.revenue, action.error), range: state.revenue.range } };
    case 'revenue/rolled': {
      const data = state.revenue.data;
      if (!data) return state;
      const rolled = rollRevenueSeries(data, state.revenue.range, action.now);
      return rolled === data ? state : { ...state, revenue: { ...state.revenue, data: rolled } };
    }
    case 'ticketStatus/loading':
      return state.ticketStatus.data ? state : { ...state, ticketStatus: { status: 'loading', data: null, error: null } };
    case 'ticketStatus/loaded':
      return { ...state, ticketStatus: { status: 'ready', data: action.rows, error: null } };
    case 'ticketStatus/failed':
      return { ...state, ticketStatus: failed(state.ticketStatus, action.error) };
    case 'feed/loading':
      return state.feed.status === 'ready' ? state : { ...state, feed: { ...state.feed, status: 'loading', error: null } };
    case 'feed/snapshot':
      return {
        ...state,
        cursor: Math.max(state.cursor, action.cursor),
        feed: { items: applyActivity([], action.items, action.cap), status: 'ready', error: null, hasMore: action.hasMore, loadingOlder: false },
      };
    case 'feed/caught-up': {
      if (action.cursor <= state.cursor && action.items.length === 0 && state.feed.status === 'ready') return state;
      const items = applyActivity(state.feed.items, action.items, action.cap);
      const trimmed = items.length < state.feed.items.length + action.items.length;
      return {
        ...state,
        cursor: Math.max(state.cursor, action.cursor),
        feed: { ...state.feed, items, status: 'ready', error: null, hasMore: state.feed.hasMore || trimmed },
      };
    }
    case 'feed/failed':
      return {
        ...state,
        feed: state.feed.status === 'ready' ? { ...state.feed, error: action.error } : { ...state.feed, status: 'error', error: action.error },
      };
    case 'feed/older-loading':
      return { ...state, feed: { ...state.feed, loadingOlder: true } };
    case 'feed/older-loaded':
      return {
        ...state,
        feed: {
          ...state.feed,
          items: applyActivity(state.feed.items, action.items, action.cap),
          hasMore: action.hasMore,
          loadingOlder: false,
        },
      };
    case 'feed/older-failed':
      return { ...state, feed: { ...state.feed, loadingOlder: false, error: action.error } };
  }
}
