import { applyDelta } from './apply-delta';
import { applyKpis } from './apply-kpis';
import { initialChangeClock, recordTouched, type ChangeClock } from './change-clock';
import { appendOlder, emptyWindow, prependNewer, replaceWindow, type FeedWindow, type OlderPage } from './feed-window';
import { rollRevenueSeries } from './revenue-window';
import type { TouchedEntities } from './touched';
import type { DashboardDelta, Kpis, Loadable, RevenuePoint, RevenueRange, SyncSnapshot, TicketAging, TicketStatusCount } from './types';

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

export function initialDashboardData(range: RevenueRange = '7d'): DashboardData {
  return {
    kpis: { status: 'loading', data: null, error: null },
    revenue: { status: 'loading', data: null, error: null, range },
    ticketStatus: { status: 'loading', data: null, error: null },
    ticketAging: null,
    feed: { ...emptyWindow(), status: 'loading', error: null, loadingOlder: false },
    cursor: 0,
    epoch: null,
    changes: initialChangeClock(),
  };
}

/** A failed refresh keeps what is on screen (with the error); only a failed first load shows as error. */
function failed<T>(current: Loadable<T>, error: string): Loadable<T> {
  return current.data === null ? { status: 'error', data: null, error } : { ...current, status: 'ready', error };
}

/** Unreachable with something on screen: keep it quietly (the connection state tells the user). */
function failedPart<T>(current: Loadable<T>, error: string, network: boolean): Loadable<T> {
  return network && current.data !== null ? current : failed(current, error);
}

function applySync(state: DashboardData, action: Extract<DashboardAction, { type: 'sync/applied' }>): DashboardData {
  const { sync } = action;
  const feedWindow = action.replace
    ? replaceWindow(state.feed, sync.feed.items, action.hasMore, action.cap)
    : prependNewer(state.feed, sync.feed.items, action.cap);
  const feed: FeedState =
    feedWindow === state.feed && state.feed.status === 'ready' && state.feed.error === null
      ? state.feed
      : { ...feedWindow, status: 'ready', error: null, loadingOlder: action.replace ? false : state.feed.loadingOlder };
  let revenue = state.revenue;
  if (sync.role === 'support') revenue = { status: 'ready', data: null, error: null, range: state.revenue.range };
  else if (sync.revenue !== null && action.range === state.revenue.range) {
    revenue = { status: 'ready', data: rollRevenueSeries(sync.revenue, action.range, action.now), error: null, range: action.range };
  }
  return {
    kpis: action.replace ? { status: 'ready', data: sync.kpis, error: null } : applyKpis(state.kpis, sync.kpis),
    revenue,
    ticketStatus: { status: 'ready', data: sync.ticketStatus, error: null },
    ticketAging: sync.ticketAging,
    feed,
    cursor: sync.cursor,
    epoch: sync.epoch,
    changes: state.changes,
  };
}

export function dashboardReducer(state: DashboardData, action: DashboardAction): DashboardData {
  switch (action.type) {
    case 'reset':
      return initialDashboardData(state.revenue.range);
    case 'seed':
      return { ...action.data, feed: { ...action.data.feed, loadingOlder: false }, changes: action.data.changes ?? initialChangeClock() };
    case 'sync/applied':
      return applySync(state, action);
    case 'delta/applied':
      return applyDelta(state, action.delta, action.cap, action.now) ?? state;
    case 'changes/touched':
      return { ...state, changes: recordTouched(state.changes, action.origin, action.touched) };
    case 'sync/failed': {
      const { error, network } = action;
      const feed = state.feed;
      return {
        ...state,
        kpis: failedPart(state.kpis, error, network),
        ticketStatus: failedPart(state.ticketStatus, error, network),
        revenue:
          state.revenue.status === 'ready' && state.revenue.data === null
            ? state.revenue // not available for this role: nothing failed
            : { ...failedPart(state.revenue, error, network), range: state.revenue.range },
        feed:
          feed.status === 'ready'
            ? network ? feed : { ...feed, error }
            : { ...feed, status: 'error', error },
      };
    }
    case 'kpis/loading':
      return state.kpis.data ? state : { ...state, kpis: { status: 'loading', data: null, error: null } };
    case 'revenue/loading':
      if (state.revenue.range === action.range && state.revenue.data) return state;
      return { ...state, revenue: { status: 'loading', data: null, error: null, range: action.range } };
    case 'revenue/loaded':
      if (action.range !== state.revenue.range) return state; // answer for a range no longer shown
      return { ...state, revenue: { status: 'ready', data: rollRevenueSeries(action.points, action.range, action.now), error: null, range: action.range } };
    case 'revenue/unavailable':
      return { ...state, revenue: { status: 'ready', data: null, error: null, range: state.revenue.range } };
    case 'revenue/rolled': {
      const data = state.revenue.data;
      if (!data) return state;
      const rolled = rollRevenueSeries(data, state.revenue.range, action.now);
      return rolled === data ? state : { ...state, revenue: { ...state.revenue, data: rolled } };
    }
    case 'ticketStatus/loading':
      return state.ticketStatus.data ? state : { ...state, ticketStatus: { status: 'loading', data: null, error: null } };
    case 'feed/loading':
      return state.feed.status === 'ready' ? state : { ...state, feed: { ...state.feed, status: 'loading', error: null } };
    case 'feed/older-loading':
      return { ...state, feed: { ...state.feed, loadingOlder: true } };
    case 'feed/older-loaded': {
      const joined = appendOlder(state.feed, action.page, state.cursor, action.cap);
      if (joined === null) return state; // asked for another window: the engine asks again
      return { ...state, feed: { ...state.feed, ...joined, loadingOlder: false, error: null } };
    }
    case 'feed/older-cancelled':
      return state.feed.loadingOlder ? { ...state, feed: { ...state.feed, loadingOlder: false } } : state;
    case 'feed/older-failed':
      return { ...state, feed: { ...state.feed, loadingOlder: false, error: action.error } };
  }
}
