import type { TimerHandle } from '../environment';
import { nextBucketBoundary, rollRevenueSeries } from '../revenue-window';
import type { RevenuePoint, RevenueRange } from '../types';
import type { TabsClock } from './tab-ports';
import type { RevenueExtras, RevenueSlice } from './tab-messages';

export interface RevenueExtrasDeps {
  clock: TabsClock;
  /** revenue_series for the range, up to now */
  fetchSeries(range: RevenueRange): Promise<RevenuePoint[]>;
  /** the engine says this role has no revenue at all (support) */
  unavailable(): boolean;
  onChange(): void;
}

/**
 * The series the leader reads besides the engine's, for ranges the engine's series cannot serve
 * (the hourly 24 h while the engine keeps days): one read per range when it is wanted, after the
 * engine's series moved (an order changed), on retry, and at each hour boundary. One read in
 * flight per range.
 */
export function createRevenueExtras(deps: RevenueExtrasDeps) {
  const { clock } = deps;
  let extras: RevenueExtras = {};
  let signature = '';
  let stopped = false;
  const fetching = new Set<RevenueRange>();
  let boundaryTimer: TimerHandle | null = null;

  async function fetch(range: RevenueRange) {
    if (deps.unavailable() || fetching.has(range)) return;
    fetching.add(range);
    let slice: RevenueSlice;
    try {
      const points = await deps.fetchSeries(range);
      slice = { status: 'ready', data: rollRevenueSeries(points, range, Date.now()), error: null, range };
    } catch (error) {
      const message = error instanceof Error ? error.message : 'Could not load revenue';
      const old = extras[range];
      slice = old?.data ? { ...old, status: 'ready', error: message } : { status: 'error', data: null, error: message, range };
    } finally {
      fetching.delete(range);
    }
    if (stopped || !(range in extras)) return;
    extras = { ...extras, [range]: slice };
    deps.onChange();
  }

  function scheduleBoundary() {
    if (boundaryTimer !== null) clock.clearTimeout(boundaryTimer);
    boundaryTimer = null;
    if (!('24h' in extras) || stopped) return;
    const wall = Date.now(); // bucket boundaries are wall-clock hours
    boundaryTimer = clock.setTimeout(() => {
      boundaryTimer = null;
      void fetch('24h');
      scheduleBoundary();
    }, nextBucketBoundary('24h', wall) - wall + 50);
  }

  const kept = () => Object.keys(extras) as RevenueRange[];

  return {
    current: () => extras,
    /** keep exactly these ranges */
    want(ranges: readonly RevenueRange[]) {
      const same = ranges.length === kept().length && ranges.every((r) => r in extras);
      if (same) return;
      const next: RevenueExtras = {};
      for (const range of ranges) next[range] = extras[range] ?? { status: 'loading', data: null, error: null, range };
      extras = next;
      for (const range of ranges) if (next[range]?.status === 'loading') void fetch(range);
      scheduleBoundary();
      deps.onChange();
    },
    /** the engine's own series, each time the leader publishes */
    engineSeries(revenue: RevenueSlice) {
      const next = `${revenue.range}:${revenue.status}:${JSON.stringify(revenue.data)}`;
      if (next === signature) return;
      signature = next;
      if (revenue.status === 'ready') for (const range of kept()) void fetch(range);
    },
    refetch() {
      for (const range of kept()) void fetch(range);
    },
    stop() {
      stopped = true;
      if (boundaryTimer !== null) clock.clearTimeout(boundaryTimer);
      boundaryTimer = null;
    },
  };
}
