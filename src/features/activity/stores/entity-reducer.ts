import type { EntityDetail, EntityRef } from '../types';

/** The open panel. Invariant: `detail` is always the newest answer for `ref`, never another entity's. */
export interface EntityPanelState {
  ref: EntityRef | null;
  gen: number;
  /** forbidden: the server said 42501 (support asking for an order) */
  status: 'idle' | 'loading' | 'ready' | 'error' | 'forbidden';
  detail: EntityDetail | null;
  /** a failed first read (status 'error') or a failed re-read (status 'ready', detail kept) */
  error: string | null;
  appliedSeq: number;
}

export type EntityAction =
  | { type: 'open'; ref: EntityRef | null }
  | { type: 'retrying'; gen: number }
  | { type: 'loaded'; gen: number; seq: number; detail: EntityDetail }
  | { type: 'failed'; gen: number; seq: number; error: string; forbidden: boolean };

export function initialEntityState(): EntityPanelState {
  return { ref: null, gen: 0, status: 'idle', detail: null, error: null, appliedSeq: 0 };
}

export function entityReducer(state: EntityPanelState, action: EntityAction): EntityPanelState {
  switch (action.type) {
    case 'open':
      return { ...initialEntityState(), ref: action.ref, gen: state.gen + 1, status: action.ref ? 'loading' : 'idle' };
    case 'retrying':
      return action.gen === state.gen && state.status === 'error' ? { ...state, status: 'loading', error: null } : state;
    case 'loaded':
      if (action.gen !== state.gen || action.seq <= state.appliedSeq || !state.ref) return state;
      return { ...state, status: 'ready', detail: action.detail, error: null, appliedSeq: action.seq };
    case 'failed':
      if (action.gen !== state.gen || action.seq <= state.appliedSeq || !state.ref) return state;
      if (action.forbidden) return { ...state, status: 'forbidden', detail: null, error: action.error, appliedSeq: action.seq };
      return state.detail
        ? { ...state, error: action.error, appliedSeq: action.seq }
        : { ...state, status: 'error', error: action.error, appliedSeq: action.seq };
  }
}
