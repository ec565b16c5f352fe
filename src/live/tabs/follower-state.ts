import type { SnapshotDelta, TabMessage, TabSnapshot } from './tab-messages';

/** A leadership: terms only grow; the tab id breaks a tie between two tabs that took the same term. */
export interface LeaderRef {
  term: number;
  tab: string;
}

export function compareLeaders(a: LeaderRef, b: LeaderRef): number {
  return a.term !== b.term ? a.term - b.term : a.tab < b.tab ? -1 : a.tab > b.tab ? 1 : 0;
}

/**
 * What a follower holds. Invariant: `snapshot` is exactly the leader's state number `publishSeq`
 * of leadership `leader` (a snapshot, then every delta after it in order), or null before the first.
 */
export interface FollowerState {
  leader: LeaderRef | null;
  /** the leader's publish number of the state held (a tab message's `seq`) */
  publishSeq: number;
  snapshot: TabSnapshot | null;
}

export const initialFollowerState: FollowerState = { leader: null, publishSeq: 0, snapshot: null };

export type StateMessage = Extract<TabMessage, { type: 'snapshot' | 'delta' }>;

export interface Received {
  state: FollowerState;
  /** the snapshot changed: render it */
  changed: boolean;
  /** a delta cannot be applied (new leader, gap): ask the leader for a snapshot */
  needSnapshot: boolean;
}

/** A leader's snapshot delta (the parts that changed) laid over the snapshot held. */
export function applySnapshotDelta(snapshot: TabSnapshot, delta: SnapshotDelta): TabSnapshot {
  return {
    dashboard: delta.dashboard ? { ...snapshot.dashboard, ...delta.dashboard } : snapshot.dashboard,
    connection: delta.connection ?? snapshot.connection,
    session: delta.session ?? snapshot.session,
    extras: delta.extras ?? snapshot.extras,
  };
}

/** Pure: a follower's answer to a snapshot or delta from some leader. Older leaderships are ignored. */
export function receiveState(state: FollowerState, msg: StateMessage): Received {
  const from: LeaderRef = { term: msg.term, tab: msg.from };
  const order = state.leader ? compareLeaders(from, state.leader) : 1;
  const same = { state, changed: false, needSnapshot: false };
  if (order < 0) return same;
  if (msg.type === 'snapshot') {
    if (order === 0 && msg.seq < state.publishSeq) return same;
    return { state: { leader: from, publishSeq: msg.seq, snapshot: msg.snapshot }, changed: true, needSnapshot: false };
  }
  if (order > 0 || state.snapshot === null) return { ...same, needSnapshot: true };
  if (msg.seq <= state.publishSeq) return same;
  if (msg.seq !== state.publishSeq + 1) return { ...same, needSnapshot: true };
  return { state: { ...state, publishSeq: msg.seq, snapshot: applySnapshotDelta(state.snapshot, msg.delta) }, changed: true, needSnapshot: false };
}

/** Whether a message comes from the current leadership or a newer one (it proves a leader is alive). */
export function isFromLeader(state: FollowerState, msg: { from: string; term: number }): boolean {
  return state.leader === null || compareLeaders({ term: msg.term, tab: msg.from }, state.leader) >= 0;
}
