import { createStore, type StoreApi } from 'zustand/vanilla';
import { ApiError, errorMessage } from '@/lib/api-error';
import type { EntityDetail, EntityRef } from '../types';
import { withTimeout } from '../utils/with-timeout';
import { entityReducer, initialEntityState, type EntityAction, type EntityPanelState } from './entity-reducer';

export interface EntityDeps {
  fetchDetail(ref: EntityRef): Promise<EntityDetail>;
  timeoutMs?: number;
}

export interface EntityController {
  store: StoreApi<EntityPanelState>;
  /** null closes. The same entity again is a no-op. */
  open(ref: EntityRef | null, cursor: number): void;
  /** re-read while open when the live cursor moves (the entity may have changed) */
  cursorMoved(cursor: number): void;
  retry(): void;
}

const sameRef = (a: EntityRef | null, b: EntityRef | null) => a?.type === b?.type && a?.id === b?.id;

/** The drill-down's requests, sequenced like the search: one read in flight, later cursor moves folded into one more. */
export function createEntityController({ fetchDetail, timeoutMs = 15_000 }: EntityDeps): EntityController {
  const store = createStore<EntityPanelState>()(() => initialEntityState());
  const dispatch = (action: EntityAction) => store.setState(entityReducer(store.getState(), action), true);
  let seq = 0;
  let inFlightGen: number | null = null;
  let again = false;
  let seenCursor = 0;

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
    open(ref, cursor) {
      if (sameRef(store.getState().ref, ref)) return;
      seenCursor = cursor;
      inFlightGen = null;
      again = false;
      dispatch({ type: 'open', ref });
      read();
    },
    cursorMoved(cursor) {
      if (cursor <= seenCursor) return;
      seenCursor = cursor;
      read();
    },
    retry() {
      dispatch({ type: 'retrying', gen: store.getState().gen });
      read();
    },
  };
}
