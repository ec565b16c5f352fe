import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, errorMessage } from '@/lib/api-error';
import type { EntityDetail, EntityRef } from '../types';
import { withTimeout } from '../utils/with-timeout';
import type { LiveMark } from '../utils/live-mark';
import { entityReducer, initialEntityState, panelLive, type EntityAction, type EntityPanelState } from './entity-reducer';

export interface EntityDeps {
  fetchDetail(ref: EntityRef): Promise<EntityDetail>;
  timeoutMs?: number;
}

export interface EntityController {
  store: StoreApi<EntityPanelState>;
  /** null closes. The same entity again is a no-op. */
  open(ref: EntityRef | null, mark: LiveMark): void;
  /**
   * The live state moved: another epoch starts the panel over; a cursor move or a change that
   * touches what the panel shows reads it again; anything else reads nothing.
   */
  liveMoved(mark: LiveMark): void;
  retry(): void;
}

const sameRef = (a: EntityRef | null, b: EntityRef | null) => a?.type === b?.type && a?.id === b?.id;

/** The drill-down's requests, sequenced like the search: one read in flight, later live moves folded into one more. */
export function createEntityController({ fetchDetail, timeoutMs = 15_000 }: EntityDeps): EntityController {
  const store = createStore<EntityPanelState>()(() => initialEntityState());
  const dispatch = (action: EntityAction) => store.setState(entityReducer(store.getState(), action), true);
  let seq = 0;
  let inFlightGen: number | null = null;
  let again = false;

  function read() {
    const { gen, ref, status } = store.getState();
    if (!ref || status === 'forbidden') return;
    if (inFlightGen === gen) {
      again = true;
      return;
    }
    inFlightGen = gen;
    again = false;
    const mySeq = ++seq;
    withTimeout(fetchDetail(ref), timeoutMs, 'The details')
      .then(
        (detail) => dispatch({ type: 'loaded', gen, seq: mySeq, detail }),
        (error: unknown) =>
          dispatch({ type: 'failed', gen, seq: mySeq, error: errorMessage(error), forbidden: error instanceof ApiError && error.code === '42501' }),
      )
      .finally(() => {
        if (inFlightGen !== gen) return;
        inFlightGen = null;
        if (again && store.getState().gen === gen) read();
      });
  }

  return {
    store,
    open(ref, mark) {
      if (sameRef(store.getState().ref, ref)) return;
      inFlightGen = null;
      again = false;
      dispatch({ type: 'open', ref, mark });
      read();
    },
    liveMoved(mark) {
      const before = store.getState();
      const step = panelLive(before, mark);
      if (step.state !== before) store.setState(step.state, true);
      if (step.state.gen !== before.gen) {
        // another epoch: what is in flight is of the old log and asks for nothing more
        inFlightGen = null;
        again = false;
      }
      if (step.read) read();
    },
    retry() {
      dispatch({ type: 'retrying', gen: store.getState().gen });
      read();
    },
  };
}
