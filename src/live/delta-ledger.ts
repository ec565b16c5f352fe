import type { DashboardDelta, SyncParams, SyncSnapshot } from './types';

/**
 * What the engine knows about the order of what it holds, to decide for each delta and each sync
 * answer whether it is already held, must be applied, or cannot be placed (→ one dashboard_sync).
 *
 * Facts it relies on (the delta contract): deltas are built at commit under the activity lock, so
 * their `sent_at` grows in commit order and a delta's rows are exactly the audience's visible ids in
 * (from_cursor, cursor]; a sync's `as_of` is a clock read after its snapshot, so a delta sent at or
 * after it was not in that snapshot; and a delta received before a sync request was sent committed
 * before that sync's snapshot.
 *
 * Invariant: the held state equals the commit log applied up to a point P (the base sync's snapshot
 * plus the deltas applied since, in commit order); everything not provably at or before P and not
 * applicable right at P is sent to a sync, and nothing is applied until a sync sent after it lands.
 */
export interface DeltaLedger {
  /** the cursor of the last sync answer taken (or the state a tab resumed from) */
  baseCursor: number;
  /** a delta sent at or after this (µs) is not in the base snapshot; +∞ when unknown */
  baseAfterMicros: number;
  /** sent_at (µs) of the deltas applied since the base, oldest first (the newest few) */
  applied: number[];
  /** local order of events (deltas received, syncs sent) */
  seq: number;
  /** deltas that could not be placed (oldest first), judged again once a sync has landed */
  pending: { seq: number; delta: DashboardDelta }[];
  /** the latest delta that could not even be read (or kept): only a sync sent after it covers it */
  unknownAt: number | null;
  lastAppliedSeq: number;
  /** the latest applied delta without rows: when, and at which cursor */
  lastNoRow: { seq: number; cursor: number } | null;
}

const APPLIED_KEPT = 64;
const PENDING_KEPT = 256;

export function initialLedger(baseCursor = 0): DeltaLedger {
  return { baseCursor, baseAfterMicros: Number.POSITIVE_INFINITY, applied: [], seq: 0, pending: [], unknownAt: null, lastAppliedSeq: 0, lastNoRow: null };
}

/** Something received is not placed yet: nothing applies until a sync sent after it lands. */
export const isBlocked = (ledger: DeltaLedger): boolean => ledger.pending.length > 0 || ledger.unknownAt !== null;

export type DeltaVerdict =
  | { action: 'apply' }
  | { action: 'ignore'; reason: 'duplicate' | 'covered' }
  /** it cannot be placed: keep it (held) and sync; 'hold' = a sync is already owed */
  | { action: 'sync' | 'hold'; reason: string };

export interface HeldPosition {
  epoch: string | null;
  cursor: number;
}

const hasRows = (d: DashboardDelta) => d.cursor > d.fromCursor;

/** Pure: what to do with one delta, given what is held. */
export function judgeDelta(ledger: DeltaLedger, held: HeldPosition, d: DashboardDelta): DeltaVerdict {
  if (held.epoch === null) return { action: 'sync', reason: 'no snapshot yet' };
  if (d.epoch !== held.epoch) return { action: 'sync', reason: 'another epoch' };
  // from_cursor -1: its writer read an older snapshot, so its figures may be behind
  if (d.fromCursor < 0) return { action: 'sync', reason: 'written from an older snapshot' };
  if (ledger.applied.includes(d.sentAtMicros)) return { action: 'ignore', reason: 'duplicate' };
  // its rows are at or below the held cursor: the contiguous run held already has them
  if (hasRows(d) && d.cursor <= held.cursor) return { action: 'ignore', reason: 'covered' };
  // no rows, and the visible log had already moved past it when the base snapshot was taken
  if (!hasRows(d) && d.cursor < ledger.baseCursor) return { action: 'ignore', reason: 'covered' };
  if (isBlocked(ledger)) return { action: 'hold', reason: 'waiting for a catch-up' };
  const oldest = ledger.applied[0];
  const afterBase = d.cursor > ledger.baseCursor || d.sentAtMicros >= ledger.baseAfterMicros || (oldest !== undefined && d.sentAtMicros > oldest);
  if (!afterBase) return { action: 'sync', reason: 'maybe in the last snapshot' };
  if (hasRows(d)) return d.fromCursor === held.cursor ? { action: 'apply' } : { action: 'sync', reason: 'gap' };
  if (d.cursor !== held.cursor) return { action: 'sync', reason: d.cursor > held.cursor ? 'gap' : 'out of order' };
  const newest = ledger.applied.at(-1);
  return newest === undefined || d.sentAtMicros > newest ? { action: 'apply' } : { action: 'sync', reason: 'out of order' };
}

/** A delta arrived (every one counts, parsed or not): its place in the local order. */
export function received(ledger: DeltaLedger): DeltaLedger {
  return { ...ledger, seq: ledger.seq + 1 };
}

export function applied(ledger: DeltaLedger, d: DashboardDelta): DeltaLedger {
  const list = [...ledger.applied, d.sentAtMicros];
  return {
    ...ledger,
    applied: list.length > APPLIED_KEPT ? list.slice(list.length - APPLIED_KEPT) : list,
    lastAppliedSeq: ledger.seq,
    lastNoRow: hasRows(d) ? ledger.lastNoRow : { seq: ledger.seq, cursor: d.cursor },
  };
}

/** The delta (just received) could not be placed: kept for the next landing sync to judge again. */
export function held(ledger: DeltaLedger, delta: DashboardDelta): DeltaLedger {
  if (ledger.pending.length >= PENDING_KEPT) return unknown(ledger);
  return { ...ledger, pending: [...ledger.pending, { seq: ledger.seq, delta }] };
}

/** The delta just received could not be read: only a sync sent after it covers it. */
export function unknown(ledger: DeltaLedger): DeltaLedger {
  return { ...ledger, unknownAt: ledger.seq };
}

/** A sync request is about to be sent: its place in the local order. */
export function syncSent(ledger: DeltaLedger): { ledger: DeltaLedger; sentSeq: number } {
  const seq = ledger.seq + 1;
  return { ledger: { ...ledger, seq }, sentSeq: seq };
}

export type SyncVerdict = 'take' | 'ignore' | 'ignore-and-sync';

/**
 * Pure: whether a sync answer replaces what is held. It is older than the held state only when
 * deltas applied after it was sent moved further than its snapshot.
 */
export function judgeSync(ledger: DeltaLedger, held: HeldPosition, p: SyncParams, s: SyncSnapshot, sentSeq: number): SyncVerdict {
  if (held.epoch === null || s.reset || s.epoch !== held.epoch || p.after === null || s.cursor < p.after) return 'take';
  if (ledger.lastAppliedSeq < sentSeq) return 'take'; // everything held was received before it was sent
  if (s.cursor > held.cursor) return 'take';
  if (s.cursor < held.cursor) return 'ignore';
  const noRow = ledger.lastNoRow;
  return noRow !== null && noRow.seq > sentSeq && noRow.cursor === held.cursor ? 'ignore-and-sync' : 'take';
}

/**
 * A sync answer was taken: it is the new base. What was received before it was sent is in it; the
 * deltas kept since are returned, to be judged again (in order) against the new base.
 */
export function rebased(ledger: DeltaLedger, s: SyncSnapshot, sentSeq: number): { ledger: DeltaLedger; replay: DashboardDelta[] } {
  const asOf = Date.parse(s.kpis.asOf);
  const replay = ledger.pending.filter((p) => p.seq > sentSeq).map((p) => p.delta);
  return {
    ledger: {
      ...ledger,
      baseCursor: s.cursor,
      // as_of reaches us in milliseconds: the next millisecond is surely after the clock read
      baseAfterMicros: Number.isNaN(asOf) ? Number.POSITIVE_INFINITY : (asOf + 1) * 1000,
      applied: [],
      pending: [],
      unknownAt: ledger.unknownAt !== null && ledger.unknownAt > sentSeq ? ledger.unknownAt : null,
      lastNoRow: null,
    },
    replay,
  };
}
