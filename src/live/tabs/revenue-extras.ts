import { nextBucketBoundary, rollRevenueSeries } from '../revenue-window';
import type { RevenueChange, RevenueRange, SeriesAtHead, TimerHandle } from '../types';
import { deltaOnSeries, flightLogged, flightSent, readLanded, type Flight, type SeriesHead } from './extra-series';
import type { TabsClock } from './tab-ports';
import type { RevenueExtras, RevenueSlice } from './tab-messages';

export interface RevenueExtrasDeps {
  clock: TabsClock;
  /** revenue_series_at_head for the range, up to now: the points and the newest delta they include */
  fetchSeries(range: RevenueRange): Promise<SeriesAtHead>;
  /** the engine says this role has no revenue at all (support) */
  unavailable(): boolean;
  onChange(): void;
}

/**
 * The series the leader reads besides the engine's, for ranges the engine's series cannot serve
 * (the hourly 24 h while the engine keeps days): one read per range when it is wanted, after the
 * engine's series moved (an order changed), on retry, and at each hour boundary. One read in
 * flight per range; one asked for meanwhile follows it. In broadcast mode the engine says how its
 * series moved: a delta's increments are added here too (no read), by the ordering rule of
 * extra-series.ts (a delta the read already included is not added again, one it missed is not
 * lost), and a sync's answer is read again.
 */
export function createRevenueExtras(deps: RevenueExtrasDeps) {
  const { clock } = deps;
  let extras: RevenueExtras = {};
  let signature = '';
  let stopped = false;
  /** the reads in flight, each with the deltas applied since it was sent */
  const flights = new Map<RevenueRange, Flight>();
  /** the newest delta each series' last read included (absent: not known, every delta is added) */
  const heads = new Map<RevenueRange, SeriesHead>();
  /** asked for while one was under way: read again once it lands (it may predate the change) */
  const again = new Set<RevenueRange>();
  let followsEngine = false;
  let boundaryTimer: TimerHandle | null = null;

  async function fetch(range: RevenueRange) {
    if (deps.unavailable()) return;
    if (flights.has(range)) {
      again.add(range);
      return;
    }
    flights.set(range, flightSent());
    let slice: RevenueSlice;
    let head: SeriesHead | null = null;
    try {
      const answer = await deps.fetchSeries(range);
      const flight = flights.get(range) ?? flightSent();
      const landed = readLanded(answer, flight, range, Date.now());
      // a delta it cannot place, or too many to keep: take the answer as it is and read again
      if (landed.points === null || flight.overflow) again.add(range);
      head = landed.head;
      slice = { status: 'ready', data: landed.points ?? rollRevenueSeries(answer.points, range, Date.now()), error: null, range };
    } catch (error) {
      const message = error instanceof Error ? error.message : 'Could not load revenue';
      const old = extras[range];
      slice = old?.data ? { ...old, status: 'ready', error: message } : { status: 'error', data: null, error: message, range };
    } finally {
      flights.delete(range);
    }
    if (stopped || !(range in extras)) return;
    if (head !== null) heads.set(range, head);
    extras = { ...extras, [range]: slice };
    deps.onChange();
    if (again.delete(range)) void fetch(range);
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
      for (const range of kept()) if (!(range in next)) heads.delete(range);
      extras = next;
      for (const range of ranges) if (next[range]?.status === 'loading') void fetch(range);
      scheduleBoundary();
      deps.onChange();
    },
    /** the engine's own series, each time the leader publishes (unless its changes are followed) */
    engineSeries(revenue: RevenueSlice) {
      const next = `${revenue.range}:${revenue.status}:${JSON.stringify(revenue.data)}`;
      if (next === signature) return;
      signature = next;
      if (revenue.status === 'ready' && !followsEngine) for (const range of kept()) void fetch(range);
    },
    /** broadcast mode: how the engine's series moved, as it happens */
    engineChanged(change: RevenueChange) {
      followsEngine = true;
      let changed = false;
      for (const range of kept()) {
        const slice = extras[range];
        if (change.source === 'sync') {
          void fetch(range);
          continue;
        }
        const delta = { seq: change.seq, sentAtMicros: change.sentAtMicros, increments: change.increments };
        const flight = flights.get(range);
        // the read in flight may or may not include it: kept, and judged by the read's head on landing
        if (flight) flights.set(range, flightLogged(flight, delta));
        if (!slice?.data) {
          if (!flight) void fetch(range);
          continue;
        }
        const added = deltaOnSeries(slice.data, heads.get(range) ?? null, range, delta, Date.now());
        if (added === null) void fetch(range);
        else if (added !== slice.data) {
          extras = { ...extras, [range]: { ...slice, data: added } };
          changed = true;
        }
      }
      if (changed) deps.onChange();
    },
    /** the engine reports its changes (broadcast mode): the published series no longer triggers reads */
    followEngine() {
      followsEngine = true;
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
