import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRevenueExtras } from '@/live/tabs/revenue-extras';
import type { RevenueChange, SeriesAtHead } from '@/live/types';
import { mulberry32 } from '../../../support/rng.ts';

// The leader's extra hourly series (a tab shows 24 h while the engine keeps days). In broadcast
// mode it follows the engine's changes: a delta's increments are added without a read, unless the
// series' own read already included that delta (its head), and none applied meanwhile is lost.

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-10T10:30:00Z');
const THIS_HOUR = Date.parse('2026-03-10T10:00:00Z');
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

/** A database whose commits are numbered, and reads whose snapshot and landing the test places. */
function setup() {
  const committed: number[] = [0]; // cents after each delta seq (index = seq)
  const reads: Array<{ snapshot: number | null; resolve: (a: SeriesAtHead) => void }> = [];
  const answer = (seq: number): SeriesAtHead => ({
    points: Array.from({ length: 24 }, (_, i) => ({
      bucketStart: new Date(THIS_HOUR - (23 - i) * HOUR).toISOString(),
      revenueCents: i === 23 ? committed[seq]! : 0,
      ordersCount: 0,
    })),
    deltaSeq: seq,
    deltaSentAtMicros: seq * 1000, // sent_at grows with seq
  });
  const fetchSeries = vi.fn(() => new Promise<SeriesAtHead>((resolve) => reads.push({ snapshot: null, resolve })));
  const onChange = vi.fn();
  const extras = createRevenueExtras({
    clock: { monotonic: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h), random: () => 0.5 },
    fetchSeries,
    unavailable: () => false,
    onChange,
  });
  const head = () => committed.length - 1;
  /** the oldest read takes its snapshot now (the database reaches it) */
  const snap = () => {
    const read = reads.find((r) => r.snapshot === null);
    if (read) read.snapshot = head();
  };
  /** the oldest read's answer lands (it takes its snapshot now if it has not yet) */
  const land = async () => {
    const read = reads.shift();
    if (read) read.resolve(answer(read.snapshot ?? head()));
    await vi.advanceTimersByTimeAsync(0);
  };
  /** one transaction: its delta, which the engine applies when the test says */
  const commit = (cents: number): Extract<RevenueChange, { source: 'delta' }> => {
    committed.push(committed[head()]! + cents);
    return { source: 'delta', seq: head(), sentAtMicros: head() * 1000, increments: [{ hour: THIS_HOUR, revenueCents: cents, ordersCount: 1, itemsSold: 1 }] };
  };
  const last = () => extras.current()['24h']!.data!.at(-1)!.revenueCents;
  /** the head the oldest read answers at if it lands now */
  const headOfOldest = () => reads[0]?.snapshot ?? head();
  return { extras, fetchSeries, onChange, snap, land, commit, last, headOfOldest, inFlight: () => reads.length, centsAt: (seq: number) => committed[seq]!, centsAtHead: head };
}

describe('revenue extras in broadcast mode', () => {
  it('adds each delta’s increments to the hourly series without reading it again', async () => {
    const { extras, fetchSeries, land, commit, last } = setup();
    extras.followEngine();
    extras.want(['24h']);
    await land();
    expect(fetchSeries).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) {
      extras.engineChanged(commit(100));
      extras.engineSeries({ status: 'ready', data: [{ bucketStart: 'x', revenueCents: i, ordersCount: 0 }], error: null, range: '7d' });
    }
    expect(last()).toBe(500);
    expect(fetchSeries).toHaveBeenCalledTimes(1);
  });

  it('a sync’s answer, or an hour it cannot place, is read again', async () => {
    const { extras, fetchSeries, land, commit } = setup();
    extras.want(['24h']);
    await land();
    extras.engineChanged({ source: 'sync' });
    await land();
    const far = commit(5);
    extras.engineChanged({ ...far, increments: far.increments.map((inc) => ({ ...inc, hour: Date.parse('2026-03-10T12:00:00Z') })) });
    await land();
    expect(fetchSeries).toHaveBeenCalledTimes(3);
  });

  it('counts once an order the read already included when Realtime delivers its delta after the read landed', async () => {
    const { extras, land, commit, last } = setup();
    extras.followEngine();
    extras.want(['24h']); // the read is sent
    const order = commit(70); // commits before the read's snapshot
    await land(); // the answer includes it (head 1)
    expect(last()).toBe(70);
    extras.engineChanged(order); // then the engine applies its delta
    expect(last()).toBe(70); // before: 140 until the next hour's read
  });

  it('counts once a delta the read included that is applied while the read is under way', async () => {
    const { extras, fetchSeries, snap, land, commit, last } = setup();
    extras.followEngine();
    extras.want(['24h']);
    const included = commit(70);
    snap(); // the read's snapshot includes it
    const missed = commit(30); // this one commits after the snapshot
    extras.engineChanged(included);
    extras.engineChanged(missed);
    await land();
    expect(last()).toBe(100);
    expect(fetchSeries).toHaveBeenCalledTimes(1);
  });

  it('does not lose a delta committed after the read’s snapshot and applied before it lands', async () => {
    const { extras, fetchSeries, snap, land, commit, last } = setup();
    extras.followEngine();
    extras.want(['24h']);
    await land();
    extras.refetch(); // a second read, snapshot at 0 …
    snap();
    extras.engineChanged(commit(40)); // … the order commits and is applied while it is under way
    expect(last()).toBe(40);
    await land();
    expect(last()).toBe(40); // before: 0 until yet another read landed
    expect(fetchSeries).toHaveBeenCalledTimes(2);
  });

  it('reads again when the numbering went back under its head (a restore): it cannot tell what it holds', async () => {
    const { extras, fetchSeries, land, commit, last } = setup();
    extras.followEngine();
    extras.want(['24h']);
    commit(10);
    commit(20);
    await land(); // head: delta 2
    expect(last()).toBe(30);
    const reissued = { source: 'delta' as const, seq: 1, sentAtMicros: 1_000_000, increments: [{ hour: THIS_HOUR, revenueCents: 5, ordersCount: 1, itemsSold: 1 }] };
    extras.engineChanged(reissued); // numbered 1 again, but sent after the head
    expect(fetchSeries).toHaveBeenCalledTimes(2);
    expect(last()).toBe(30); // not added on a guess
  });

  it('without the engine’s events (postgres_changes) every move of the engine’s series reads it again', async () => {
    const { extras, fetchSeries, land } = setup();
    extras.want(['24h']);
    await land();
    extras.engineSeries({ status: 'ready', data: [{ bucketStart: 'x', revenueCents: 1, ordersCount: 0 }], error: null, range: '7d' });
    await land();
    extras.engineSeries({ status: 'ready', data: [{ bucketStart: 'x', revenueCents: 2, ordersCount: 0 }], error: null, range: '7d' });
    expect(fetchSeries).toHaveBeenCalledTimes(3);
  });
});

describe('revenue extras against any interleaving of reads and deltas (seeded)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) {
    it(`seed ${seed}: shows the database at its newest known delta, each order once`, async () => {
      const rnd = mulberry32(seed);
      const t = setup();
      t.extras.followEngine();
      t.extras.want(['24h']);
      const queue: Array<Extract<RevenueChange, { source: 'delta' }>> = []; // committed, not yet delivered (in order)
      let delivered = 0;
      let landedHead = 0;
      const landNext = async () => {
        landedHead = t.headOfOldest();
        await t.land();
      };
      for (let step = 0; step < 300; step++) {
        const r = rnd();
        if (r < 0.3) queue.push(t.commit(1 + Math.floor(rnd() * 50)));
        else if (r < 0.55 && queue.length > 0) {
          const delta = queue.shift()!;
          delivered = delta.seq;
          t.extras.engineChanged(delta);
        } else if (r < 0.65) t.extras.refetch();
        else if (r < 0.7) t.extras.engineChanged({ source: 'sync' });
        else if (r < 0.85) t.snap();
        else if (t.inFlight() > 0) await landNext();
        if (t.inFlight() === 0 && t.extras.current()['24h']?.data) {
          expect(t.last(), `step ${step}`).toBe(t.centsAt(Math.max(landedHead, delivered)));
        }
      }
      for (const delta of queue.splice(0)) t.extras.engineChanged(delta);
      while (t.inFlight() > 0) await landNext();
      expect(t.last()).toBe(t.centsAt(t.centsAtHead()));
    });
  }
});
