import { addRevenueIncrements } from '../apply-delta';
import { rollRevenueSeries } from '../revenue-window';
import type { RevenueIncrement, RevenuePoint, RevenueRange, SeriesAtHead } from '../types';

/**
 * The ordering rule of docs/delta-contract.md for a series the leader keeps beside the engine's.
 *
 * Invariant: a series' points are revenue_series_at_head's answer at delta `head`, plus the
 * increments of every delta numbered above `head` that the engine applied since, each once.
 *  - A delta numbered at or below `head` is in the points already: skipped.
 *  - A read in flight logs the deltas applied after it was sent (they may or may not be in its
 *    snapshot); on landing it becomes the series at its own head, and exactly the logged deltas
 *    numbered above that head are added again. Deltas applied before it was sent committed before
 *    its snapshot: they are in it.
 * Pure: each function returns the next value and never changes its inputs.
 */
export interface AppliedDelta {
  seq: number;
  increments: RevenueIncrement[];
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
 * includes): the next points, the same points when already included, or null when an increment
 * cannot be placed (read again).
 */
export function deltaOnSeries(
  points: RevenuePoint[],
  head: number | null,
  range: RevenueRange,
  delta: AppliedDelta,
  now: number,
): RevenuePoint[] | null {
  if (head !== null && delta.seq <= head) return points;
  return addRevenueIncrements(rollRevenueSeries(points, range, now), range, delta.increments);
}

/**
 * A read landed: its points at its head, plus the logged deltas numbered above it, in order.
 * `points` null: one of them cannot be placed (read again).
 */
export function readLanded(answer: SeriesAtHead, flight: Flight, range: RevenueRange, now: number): { points: RevenuePoint[] | null; head: number } {
  let points: RevenuePoint[] | null = rollRevenueSeries(answer.points, range, now);
  for (const delta of flight.applied) {
    if (points === null) break;
    points = deltaOnSeries(points, answer.deltaSeq, range, delta, now);
  }
  return { points, head: answer.deltaSeq };
}
