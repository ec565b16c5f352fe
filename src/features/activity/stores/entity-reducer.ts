import type { EntityDetail, EntityRef } from '../types';
import { panelAffectedBy } from '../utils/affected-by';
import { judgeMark, NO_MARK, seenAt, type LiveMark, type SeenMark } from '../utils/live-mark';

/**
 * The open panel. Invariant: `detail` is always the newest answer for `ref` in the log
 * `seen.epoch`, never another entity's nor another log's (a new epoch starts a new generation with
 * no detail). Every live move (`panelLive`) that moves the cursor or touches what the panel shows
 * (see panelAffectedBy) asks for one more read.
 */
export interface EntityPanelState {
  ref: EntityRef | null;
  gen: number;
  /** forbidden: the server said 42501 (support asking for an order) */
  status: 'idle' | 'loading' | 'ready' | 'error' | 'forbidden';
  detail: EntityDetail | null;
  /** a failed first read (status 'error') or a failed re-read (status 'ready', detail kept) */
  error: string | null;
  appliedSeq: number;
  /** the live state the panel was last checked against */
  seen: SeenMark;
}

export type EntityAction =
  | { type: 'open'; ref: EntityRef | null; mark: LiveMark }
  | { type: 'retrying'; gen: number }
  | { type: 'loaded'; gen: number; seq: number; detail: EntityDetail }
  | { type: 'failed'; gen: number; seq: number; error: string; forbidden: boolean };

export function initialEntityState(): EntityPanelState {
  return { ref: null, gen: 0, status: 'idle', detail: null, error: null, appliedSeq: 0, seen: seenAt(NO_MARK) };
}

function restart(state: EntityPanelState, ref: EntityRef | null, seen: SeenMark): EntityPanelState {
  return { ...initialEntityState(), ref, gen: state.gen + 1, status: ref ? 'loading' : 'idle', seen };
}

/** The live state moved: the new state, and whether to read the entity again. */
export function panelLive(state: EntityPanelState, mark: LiveMark): { state: EntityPanelState; read: boolean } {
  const { seen, verdict } = judgeMark(state.seen, mark, (t) => panelAffectedBy(state.ref, state.detail, t));
  // 'forbidden' stays: a role does not change under an open panel (a new sign-in remounts the page)
  if (verdict === 'new-epoch' && state.status !== 'forbidden') return { state: restart(state, state.ref, seen), read: state.ref !== null };
  return { state: seen === state.seen ? state : { ...state, seen }, read: verdict === 'reread' && state.ref !== null };
}

export function entityReducer(state: EntityPanelState, action: EntityAction): EntityPanelState {
  switch (action.type) {
    case 'open':
      return restart(state, action.ref, seenAt(action.mark));
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
