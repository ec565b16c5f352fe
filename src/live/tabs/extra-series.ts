import { addRevenueIncrements, rollRevenueSeries } from '../revenue-window';
import type { RevenueIncrement, RevenuePoint, RevenueRange, SeriesAtHead } from '../types';

/**
 * The ordering rule of docs/delta-contract.md for a series the leader keeps beside the engine's.
 *
 * Invariant: a series' points are revenue_series_at_head's answer at delta `head`, plus the
 * increments of every delta after `head` that the engine applied since, each once.
 *  - A delta sent at or before the head's sent_at is in the points already (or of a branch a
 *    restore abandoned): skipped. One sent after it but numbered at or below it means the
 *    numbering went back (a restore, a failover): the series cannot tell, and is read again.
 *  - A read in flight logs the deltas applied after it was sent (they may or may not be in its
 *    snapshot); on landing it becomes the series at its own head, and exactly the logged deltas
 *    after that head are added again. Deltas applied before it was sent committed before its
 *    snapshot: they are in it.
 * Pure: each function returns the next value and never changes its inputs.
 */
export interface AppliedDelta {
  seq: number;
  sentAtMicros: number;
  increments: RevenueIncrement[];
}

/** The newest delta a read included (`seq` 0: none yet). */
export interface SeriesHead {
  seq: number;
  sentAtMicros: number;
}

/** What a read in flight must re-apply on landing; `overflow`: too many to keep, read again after it. */
export interface Flight {
  applied: AppliedDelta[];
  overflow: boolean;
}

/** deltas kept per read in flight: past this the read is followed by another (deltas are far rarer) */
export const FLIGHT_CAP = 256;

export const flightSent = (): Flight => ({ applied: [], overflow: false });

export function flightLogged(flight: Flight, delta: AppliedDelta): Flight {
  if (flight.overflow || flight.applied.length >= FLIGHT_CAP) return { applied: [], overflow: true };
  return { applied: [...flight.applied, delta], overflow: false };
}

/**
 * A delta the engine applied, on the series held at `head` (null: no read has said what it
 * includes): the next points, the same points when already included, or null when it cannot be
 * placed, an hour out of the series or numbering that went back (read again).
 */
export function deltaOnSeries(
  points: RevenuePoint[],
  head: SeriesHead | null,
  range: RevenueRange,
  delta: AppliedDelta,
  now: number,
): RevenuePoint[] | null {
  if (head !== null && delta.sentAtMicros <= head.sentAtMicros) return points;
  if (head !== null && delta.seq <= head.seq) return null;
  return addRevenueIncrements(rollRevenueSeries(points, range, now), range, delta.increments);
}

/**
 * A read landed: its points at its head, plus the logged deltas after it, in order.
 * `points` null: one of them cannot be placed (read again).
 */
export function readLanded(answer: SeriesAtHead, flight: Flight, range: RevenueRange, now: number): { points: RevenuePoint[] | null; head: SeriesHead } {
  const head = { seq: answer.deltaSeq, sentAtMicros: answer.deltaSentAtMicros };
  let points: RevenuePoint[] | null = rollRevenueSeries(answer.points, range, now);
  for (const delta of flight.applied) {
    if (points === null) break;
    points = deltaOnSeries(points, head, range, delta, now);
  }
  return { points, head };
}
