import type { DashboardDelta, SyncParams, SyncSnapshot } from './types';

/**
 * What the engine knows about the order of what it holds (delta contract v2, docs/delta-contract.md),
 * to decide for each delta and each sync answer whether it is already held, applies now, or needs a
 * dashboard_sync.
 *
 * Facts it relies on: each topic's deltas are numbered (`seq`) under the database's numbering lock,
 * so their numbers follow commit order, contiguous except where a transaction aborted after
 * numbering; their `sent_at` grows with the number, and across a restore too (the clock does not go
 * back: if it steps back, a delta may be ignored, and the next one's gap syncs). A sync answer says which delta its snapshot
 * ends at (`delta_seq`, `delta_sent_at`): exactly the deltas numbered up to it are in it. A delta
 * received before a sync request was sent committed before that sync's snapshot (so A ≥ its seq).
 *
 * Invariant: the held state is the database's state right after the delta `held.seq` of the epoch
 * `held.epoch` committed (the base sync's snapshot plus the deltas applied since, each numbered one
 * more than the last). So, for a delta d of the held epoch:
 *   sent_at ≤ T                                  → held already (or of a numbering a restore
 *                                                  abandoned since): ignore
 *   sent_at > T, d.seq = S + 1, prev_sent_at = T, from the held cursor → apply
 *   sent_at > T, d.seq ≤ S (or S + 1 after another delta or from another cursor) → the numbering
 *                                                  went back (restore, failover, reissued ids): fresh snapshot
 *   sent_at > T, d.seq > S + 1                   → a gap: keep it and sync
 * and a sync answer at A is never simply dropped: it becomes the base, and the kept deltas numbered
 * above A are applied again on it in order. Only when the held state is provably newer (A < S) and
 * the kept deltas do not cover (A, S] is the answer left aside: the held state is then exact already.
 * Deltas are kept (the newest KEPT_MAX, applied or not) until a sync answer at or above them lands.
 */
export interface Position {
  epoch: string;
  seq: number;
  /** sent_at (µs) of the delta `seq`; 0 when the base has no delta yet */
  sentAtMicros: number;
}

export interface DeltaLedger {
  /** where the held state is; null: no base (nothing held, or it cannot be trusted) */
  held: Position | null;
  /** deltas received that a sync answer at or above them has not covered yet, by epoch then seq */
  kept: DashboardDelta[];
  /** local order of events (deltas received, syncs sent) */
  tick: number;
  /** a delta that could not be read arrived at this tick: a sync sent after it is owed */
  owedSince: number | null;
}

export const KEPT_MAX = 256;

export function initialLedger(): DeltaLedger {
  return { held: null, kept: [], tick: 0, owedSince: null };
}

export type DeltaVerdict =
  | { action: 'apply' }
  /** 'duplicate': this very delta came before (a repeat); 'held': a sync answer included it */
  | { action: 'ignore'; reason: 'duplicate' | 'held' }
  /** keep it, and sync (a sync in flight re-judges it when it lands) */
  | { action: 'keep'; reason: 'no base' | 'another epoch' | 'gap' | 'older snapshot' }
  /** the numbering went back: nothing held can be trusted; a fresh snapshot */
  | { action: 'reset'; reason: 'numbering went back' | 'another log' };

/** Pure: what to do with one delta, given the held position and the held cursor. */
export function judgeDelta(ledger: DeltaLedger, heldCursor: number, d: DashboardDelta): DeltaVerdict {
  const h = ledger.held;
  if (h === null) return { action: 'keep', reason: 'no base' };
  if (d.epoch !== h.epoch) return { action: 'keep', reason: 'another epoch' };
  // sent no later than the held one: held already, or of a numbering a restore abandoned since
  if (d.sentAtMicros <= h.sentAtMicros) {
    const repeat = ledger.kept.some((k) => k.epoch === d.epoch && k.seq === d.seq && k.sentAtMicros === d.sentAtMicros);
    return { action: 'ignore', reason: repeat ? 'duplicate' : 'held' };
  }
  // sent later, numbered no higher: the numbering went back (restore, failover)
  if (d.seq <= h.seq) return { action: 'reset', reason: 'numbering went back' };
  if (d.seq > h.seq + 1) return { action: 'keep', reason: 'gap' };
  // from_cursor -1: its writer read an older snapshot, so its figures may be behind
  if (d.fromCursor < 0 || d.prevSentAtMicros === null) return { action: 'keep', reason: 'older snapshot' };
  // the next number, but not after the held delta or not from the held cursor: another branch of
  // the numbering (a restore), or ids reissued under it
  if (d.prevSentAtMicros !== h.sentAtMicros || d.fromCursor !== heldCursor) return { action: 'reset', reason: 'another log' };
  return { action: 'apply' };
}

const order = (a: DashboardDelta, b: DashboardDelta) => (a.epoch === b.epoch ? a.seq - b.seq : a.epoch < b.epoch ? -1 : 1);

/** The delta joins the kept ones (once per epoch and seq), the oldest dropped past KEPT_MAX. */
export function kept(ledger: DeltaLedger, d: DashboardDelta): DeltaLedger {
  const rest = ledger.kept.filter((k) => k.epoch !== d.epoch || k.seq !== d.seq);
  const list = [...rest, d].sort(order);
  return { ...ledger, kept: list.length > KEPT_MAX ? list.slice(list.length - KEPT_MAX) : list };
}

/** A delta arrived (every one counts, parsed or not): its place in the local order. */
export function received(ledger: DeltaLedger): DeltaLedger {
  return { ...ledger, tick: ledger.tick + 1 };
}

/** The delta the ledger said to apply is applied: it is the held position (and kept for a rebase). */
export function applied(ledger: DeltaLedger, d: DashboardDelta): DeltaLedger {
  return kept({ ...ledger, held: { epoch: d.epoch, seq: d.seq, sentAtMicros: d.sentAtMicros } }, d);
}

/** The numbering went back: nothing held or kept is trusted, except this delta of the new numbering. */
export function wentBack(ledger: DeltaLedger, d: DashboardDelta): DeltaLedger {
  return { ...ledger, held: null, kept: [d] };
}

/** The delta just received could not be read: only a sync sent after it covers it. */
export function unknown(ledger: DeltaLedger): DeltaLedger {
  return { ...ledger, owedSince: ledger.tick };
}

/** A sync is owed: something received is not placed yet (a gap, no base, an unreadable delta). */
export function owesSync(ledger: DeltaLedger): boolean {
  const h = ledger.held;
  // a kept delta of the held epoch is owed a sync only when it is newer than what is held (not one
  // held already, nor one of a branch a restore abandoned)
  return ledger.owedSince !== null || h === null || ledger.kept.some((k) => k.epoch !== h.epoch || (k.seq > h.seq && k.sentAtMicros > h.sentAtMicros));
}

/** A sync request is about to be sent: its place in the local order. */
export function syncSent(ledger: DeltaLedger): { ledger: DeltaLedger; sentTick: number } {
  const tick = ledger.tick + 1;
  return { ledger: { ...ledger, tick }, sentTick: tick };
}

/** 'take': the answer is the new base (then replay); 'keep-held': the held state is newer and exact. */
export type SyncVerdict = 'take' | 'keep-held';

/** The kept deltas that carry the held state from seq `from` (exclusive) to `to` (inclusive), if all are kept. */
function chain(ledger: DeltaLedger, epoch: string, from: number, to: number): boolean {
  let next = from + 1;
  for (const k of ledger.kept) {
    if (k.epoch !== epoch || k.seq < next) continue;
    if (k.seq !== next) return false;
    if (next === to) return true;
    next += 1;
  }
  return next > to;
}

/** Pure: whether a sync answer becomes the base. It is left aside only when provably older and not rebasable. */
export function judgeSync(ledger: DeltaLedger, p: SyncParams, s: SyncSnapshot): SyncVerdict {
  const h = ledger.held;
  if (h === null || s.reset || s.epoch !== h.epoch || s.deltaSeq >= h.seq) return 'take';
  // numbered lower but its head sent later: the numbering went back since what is held
  if (s.deltaSentAtMicros > h.sentAtMicros) return 'take';
  // ids went back under the answer (cursor below what was asked from): the held state is not the log's
  if (p.after !== null && s.cursor < p.after) return 'take';
  return chain(ledger, h.epoch, s.deltaSeq, h.seq) ? 'take' : 'keep-held';
}

/**
 * A sync answer was taken: it is the new base. The kept deltas of its epoch numbered above it are
 * returned, oldest first, to be judged again (and applied) on it; those at or below it are in it,
 * unless sent after it (the numbering went back since the answer's snapshot).
 */
export function rebased(ledger: DeltaLedger, s: SyncSnapshot, sentTick: number): { ledger: DeltaLedger; replay: DashboardDelta[] } {
  // also one numbered at or below the answer but sent after it: the numbering went back since (judged so)
  const replay = ledger.kept.filter((k) => k.epoch === s.epoch && (k.seq > s.deltaSeq || k.sentAtMicros > s.deltaSentAtMicros));
  return {
    ledger: {
      ...ledger,
      held: { epoch: s.epoch, seq: s.deltaSeq, sentAtMicros: s.deltaSentAtMicros },
      kept: replay,
      owedSince: ledger.owedSince !== null && ledger.owedSince > sentTick ? ledger.owedSince : null,
    },
    replay,
  };
}

/** A sync answer was left aside (the held state is newer): an unreadable delta before it is covered. */
export function passed(ledger: DeltaLedger, sentTick: number): DeltaLedger {
  return { ...ledger, owedSince: ledger.owedSince !== null && ledger.owedSince > sentTick ? ledger.owedSince : null };
}
