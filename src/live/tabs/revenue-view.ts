import { bucketOf } from '../revenue-window';
import type { RevenueRange } from '../types';
import type { RevenueExtras, RevenueSlice } from './tab-messages';

const DAYS: Record<RevenueRange, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 };
const DAILY: readonly RevenueRange[] = ['7d', '30d', '90d'];

/**
 * The one range the leader's engine keeps live for all tabs: the widest day range any live tab
 * shows (narrower day ranges are its last buckets), else 24 h. Pure.
 */
export function engineRangeFor(ranges: readonly RevenueRange[], current: RevenueRange): RevenueRange {
  if (ranges.length === 0) return current;
  const daily = ranges.filter((r) => DAILY.includes(r));
  if (daily.length === 0) return '24h';
  return daily.reduce((a, b) => (DAYS[b] > DAYS[a] ? b : a));
}

/** Ranges the engine's series cannot serve: the leader reads these separately (only the hourly 24 h). */
export function extraRangesFor(ranges: readonly RevenueRange[], engineRange: RevenueRange): RevenueRange[] {
  return [...new Set(ranges)].filter((r) => !covers(engineRange, r));
}

function covers(engineRange: RevenueRange, range: RevenueRange): boolean {
  if (engineRange === range) return true;
  return bucketOf(range) === 'day' && bucketOf(engineRange) === 'day' && DAYS[engineRange] >= DAYS[range];
}

/**
 * The revenue a tab showing `range` renders, from the leader's engine series (sliced when it is a
 * wider day range) or its extras. While the leader switches series, a tab keeps what it showed.
 */
export function revenueFor(
  range: RevenueRange,
  engine: RevenueSlice,
  extras: RevenueExtras,
  previous: RevenueSlice | null,
): RevenueSlice {
  let slice: RevenueSlice;
  if (engine.range === range) slice = engine;
  else if (engine.status === 'ready' && engine.data === null) slice = { ...engine, range }; // not available for this role
  else if (covers(engine.range, range)) slice = { ...engine, data: engine.data ? engine.data.slice(-DAYS[range]) : null, range };
  else slice = extras[range] ?? { status: 'loading', data: null, error: null, range };
  const keepPrevious = slice.status === 'loading' && previous !== null && previous.range === range && previous.data !== null;
  return keepPrevious ? previous : slice;
}
