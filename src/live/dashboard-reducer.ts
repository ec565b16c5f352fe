import { applyDelta } from './apply-delta';
import { applyKpis } from './apply-kpis';
import type { DashboardAction, DashboardData, FeedState } from './dashboard-data';
import { initialChangeClock, recordTouched } from './change-clock';
import { appendOlder, emptyWindow, prependNewer, replaceWindow } from './feed-window';
import { rollRevenueSeries } from './revenue-window';
import type { DashboardPart, Loadable, RevenueRange } from './types';

// The data and its actions live apart from the reducer (dashboard-data.ts): apply-delta.ts, which
// the reducer uses, names them without an import cycle, and code that only names them does not
// stand on the reducer.

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

/** What a part shows while it is loaded again (a retry). */
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
