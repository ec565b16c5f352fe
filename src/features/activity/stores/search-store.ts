import { createStore, type StoreApi } from 'zustand/vanilla';
import { errorMessage } from '@/lib/api-error';
import type { ActivityPage } from '@/live/types';
import type { SearchActivityFeedParams } from '../api/search-activity-feed';
import { SEARCH_PAGE_SIZE, type ActivityFilter } from '../types';
import { filterKey } from '../utils/view-params';
import { withTimeout } from '../utils/with-timeout';
import type { LiveMark } from '../utils/live-mark';
import { headLimit, initialSearchState, oldestId, searchLive, searchReducer, type SearchAction, type SearchState } from './search-reducer';

export interface SearchDeps {
  fetchPage(params: SearchActivityFeedParams): Promise<ActivityPage>;
  pageSize?: number;
  timeoutMs?: number;
}

export interface SearchController {
  store: StoreApi<SearchState>;
  /** null ends the search. The same filter again is a no-op. `mark` is the live state now. */
  setFilter(filter: ActivityFilter | null, mark: LiveMark): void;
  /**
   * The live state moved: another epoch starts the list over; a cursor move or a change that
   * touches what the filter reads reads the first page again; anything else reads nothing.
   */
  liveMoved(mark: LiveMark): void;
  loadOlder(): void;
  retry(): void;
}

/**
 * The search list's requests. Every first-page request carries (generation, sequence); the reducer
 * drops what is not the newest answer for the newest filter. One first-page read per filter is in
 * flight at a time: live moves meanwhile are folded into one more read after it. A hung request
 * times out into a retryable error.
 */
export function createSearchController({ fetchPage, pageSize = SEARCH_PAGE_SIZE, timeoutMs = 15_000 }: SearchDeps): SearchController {
  const store = createStore<SearchState>()(() => initialSearchState());
  const dispatch = (action: SearchAction) => store.setState(searchReducer(store.getState(), action), true);
  let seq = 0;
  let inFlightGen: number | null = null;
  let again = false;

  function readHead() {
    const { gen, filter } = store.getState();
    if (!filter) return;
    if (inFlightGen === gen) {
      again = true;
      return;
    }
    inFlightGen = gen;
    again = false;
    const mySeq = ++seq;
    const limit = headLimit(store.getState(), pageSize);
    withTimeout(fetchPage({ filter, limit }), timeoutMs, 'The search')
      .then(
        (page) => dispatch({ type: 'head/loaded', gen, seq: mySeq, page, limit }),
        (error: unknown) => dispatch({ type: 'head/failed', gen, seq: mySeq, error: errorMessage(error) }),
      )
      .finally(() => {
        if (inFlightGen !== gen) return;
        inFlightGen = null;
        if (again && store.getState().gen === gen) readHead();
      });
  }

  function loadOlder() {
    const state = store.getState();
    const before = oldestId(state.items);
    if (!state.filter || state.status !== 'ready' || state.loadingOlder || !state.hasMore || before === null) return;
    const { gen, filter } = state;
    dispatch({ type: 'older/loading', gen });
    withTimeout(fetchPage({ filter, limit: pageSize, before }), timeoutMs, 'Older results').then(
      (page) => dispatch({ type: 'older/loaded', gen, before, page, limit: pageSize }),
      (error: unknown) => dispatch({ type: 'older/failed', gen, before, error: errorMessage(error) }),
    );
  }

  return {
    store,
    setFilter(filter, mark) {
      const current = store.getState().filter;
      if ((current === null && filter === null) || (current && filter && filterKey(current) === filterKey(filter))) return;
      inFlightGen = null;
      again = false;
      dispatch({ type: 'filter', filter, mark });
      readHead();
    },
    liveMoved(mark) {
      const before = store.getState();
      const step = searchLive(before, mark);
      if (step.state !== before) store.setState(step.state, true);
      if (step.state.gen !== before.gen) {
        // another epoch: what is in flight is of the old log and asks for nothing more
        inFlightGen = null;
        again = false;
      }
      if (step.read) readHead();
    },
    loadOlder,
    retry() {
      const state = store.getState();
      if (state.status === 'ready' && state.olderError && !state.error) {
        loadOlder();
        return;
      }
      dispatch({ type: 'head/loading', gen: state.gen });
      readHead();
    },
  };
}
