import type { ActivityItem, ActivityPage } from '@/live/types';
import type { ActivityFilter } from '../types';
import { searchAffectedBy } from '../utils/affected-by';
import { judgeMark, NO_MARK, seenAt, type LiveMark, type SeenMark } from '../utils/live-mark';

/**
 * The search list. Invariant: `items` is always the server's answer for `filter` (the latest one
 * set) in the log `seen.epoch`: a page answered for an older filter, or an older answer for the
 * same filter, is dropped; a new epoch starts a new generation with no items (ids of two logs
 * never mix). Newest first, no duplicate ids. Every live move (`searchLive`) that moves the cursor
 * or touches what a status or priority filter reads asks for one more first-page read.
 */
export interface SearchState {
  /** null: no search, the page shows the live feed */
  filter: ActivityFilter | null;
  /** bumped by every new filter; answers carry the generation they were asked for */
  gen: number;
  items: ActivityItem[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** a failed first answer (status 'error') or a failed refresh (status 'ready', items kept) */
  error: string | null;
  hasMore: boolean;
  loadingOlder: boolean;
  olderError: string | null;
  /** sequence number of the newest head answer applied (or failed) for this generation */
  appliedSeq: number;
  /** the live state the list was last checked against */
  seen: SeenMark;
}

export type SearchAction =
  | { type: 'filter'; filter: ActivityFilter | null; mark: LiveMark }
  | { type: 'head/loading'; gen: number }
  | { type: 'head/loaded'; gen: number; seq: number; page: ActivityPage; limit: number }
  | { type: 'head/failed'; gen: number; seq: number; error: string }
  | { type: 'older/loading'; gen: number }
  | { type: 'older/loaded'; gen: number; before: number; page: ActivityPage; limit: number }
  | { type: 'older/failed'; gen: number; before: number; error: string };

export function initialSearchState(): SearchState {
  return {
    filter: null,
    gen: 0,
    items: [],
    status: 'idle',
    error: null,
    hasMore: false,
    loadingOlder: false,
    olderError: null,
    appliedSeq: 0,
    seen: seenAt(NO_MARK),
  };
}

/** A new generation for `filter`: nothing shown until its first answer. */
function restart(state: SearchState, filter: ActivityFilter | null, seen: SeenMark): SearchState {
  return { ...initialSearchState(), filter, gen: state.gen + 1, status: filter ? 'loading' : 'idle', seen };
}

/** The live state moved: the new state, and whether to read the first page again. */
export function searchLive(state: SearchState, mark: LiveMark): { state: SearchState; read: boolean } {
  const { seen, verdict } = judgeMark(state.seen, mark, (t) => searchAffectedBy(state.filter, t));
  if (verdict === 'new-epoch') return { state: restart(state, state.filter, seen), read: state.filter !== null };
  return { state: seen === state.seen ? state : { ...state, seen }, read: verdict === 'reread' && state.filter !== null };
}

export function oldestId(items: readonly ActivityItem[]): number | null {
  return items.length === 0 ? null : items[items.length - 1]!.id;
}

function newestFirst(items: readonly ActivityItem[]): ActivityItem[] {
  const byId = new Map<number, ActivityItem>();
  for (const i of items) if (!byId.has(i.id)) byId.set(i.id, i);
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

/**
 * A fresh first page replaces everything it covers (rows in its range that stopped matching go).
 * A short page is the whole answer. Older rows already loaded stay below a full page only when the
 * page reaches down into them; otherwise more arrived than a page holds and they would leave a gap.
 */
function mergeHead(state: SearchState, page: ActivityPage, limit: number): Pick<SearchState, 'items' | 'hasMore'> {
  const head = newestFirst(page.items);
  const full = page.rowCount >= limit;
  const bottom = oldestId(head);
  const top = state.items[0]?.id;
  if (!full || state.status !== 'ready' || bottom === null || top === undefined || bottom > top) return { items: head, hasMore: full };
  const below = state.items.filter((i) => i.id < bottom);
  return { items: [...head, ...below], hasMore: below.length > 0 ? state.hasMore : true };
}

/** How many rows a re-read asks for: what is loaded (so the whole list is the server's answer), within the RPC's cap. */
export function headLimit(state: SearchState, pageSize: number, cap = 500): number {
  const loaded = Math.ceil(state.items.length / pageSize) * pageSize;
  return Math.min(cap, Math.max(pageSize, loaded));
}

export function searchReducer(state: SearchState, action: SearchAction): SearchState {
  switch (action.type) {
    case 'filter':
      return restart(state, action.filter, seenAt(action.mark));
    case 'head/loading':
      if (action.gen !== state.gen || state.status !== 'error') return state;
      return { ...state, status: 'loading', error: null };
    case 'head/loaded': {
      if (action.gen !== state.gen || action.seq <= state.appliedSeq || !state.filter) return state;
      return { ...state, ...mergeHead(state, action.page, action.limit), status: 'ready', error: null, appliedSeq: action.seq };
    }
    case 'head/failed':
      if (action.gen !== state.gen || action.seq <= state.appliedSeq || !state.filter) return state;
      return state.status === 'ready'
        ? { ...state, error: action.error, appliedSeq: action.seq }
        : { ...state, status: 'error', error: action.error, appliedSeq: action.seq };
    case 'older/loading':
      if (action.gen !== state.gen || state.status !== 'ready') return state;
      return { ...state, loadingOlder: true, olderError: null };
    case 'older/loaded': {
      if (action.gen !== state.gen) return state;
      // a refresh moved the bottom meanwhile: this page no longer joins on, ask again if needed
      if (action.before !== oldestId(state.items)) return { ...state, loadingOlder: false };
      const older = action.page.items.filter((i) => i.id < action.before);
      return {
        ...state,
        items: newestFirst([...state.items, ...older]),
        hasMore: action.page.rowCount >= action.limit,
        loadingOlder: false,
      };
    }
    case 'older/failed':
      if (action.gen !== state.gen) return state;
      return { ...state, loadingOlder: false, olderError: action.before === oldestId(state.items) ? action.error : null };
  }
}
