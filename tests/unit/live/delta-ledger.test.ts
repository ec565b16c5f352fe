import { describe, expect, it } from 'vitest';
import { applied, initialLedger, judgeDelta, judgeSync, kept, KEPT_MAX, owesSync, rebased, received, syncSent, unknown, wentBack, type DeltaLedger } from '@/live/delta-ledger';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { DashboardDelta, SyncParams, SyncSnapshot } from '@/live/types';

const kpis = { totalRevenueCents: 0, productsSold: 0, ordersCount: 0, activeRepairs: 0, newTickets24h: 0, asOf: '2026-12-01T10:00:00.000Z' };
/** delta number `seq`, sent at seq ms (µs: seq * 1000), from cursor `fromCursor` to `cursor` */
const delta = (seq: number, fromCursor: number, cursor = fromCursor, over: Partial<DashboardDelta> = {}): DashboardDelta => ({
  epoch: 'e1',
  seq,
  prevSentAtMicros: (seq - 1) * 1000,
  touched: NOTHING_TOUCHED,
  fromCursor,
  cursor,
  feed: { items: [], rowCount: 0, maxId: null, skipped: 0 },
  feedComplete: true,
  kpis: { ...kpis, previous: kpis },
  role: 'admin',
  ticketStatus: [],
  ticketAging: null,
  revenue: [],
  sentAtMicros: seq * 1000,
  ...over,
});
const sync = (deltaSeq: number, cursor: number, over: Partial<SyncSnapshot> = {}): SyncSnapshot => ({
  epoch: 'e1',
  reset: false,
  cursor,
  feed: { items: [], rowCount: 0, maxId: null, skipped: 0 },
  feedComplete: true,
  kpis: { ...kpis, previous: kpis },
  role: 'admin',
  ticketStatus: [],
  revenue: null,
  ticketAging: null,
  deltaSeq,
  deltaSentAtMicros: deltaSeq * 1000,
  ...over,
});
const params = (after: number | null): SyncParams => ({ after, epoch: 'e1', limit: 100, revenueFrom: null, bucket: 'hour', tz: 'UTC' });

/** a ledger whose base is a sync at delta `seq` */
function based(seq: number, cursor = 10): DeltaLedger {
  const { ledger, sentTick } = syncSent(initialLedger());
  return rebased(ledger, sync(seq, cursor), sentTick).ledger;
}

describe('judgeDelta', () => {
  it('applies the next number from the held cursor, with or without rows', () => {
    expect(judgeDelta(based(5), 10, delta(6, 10, 12)).action).toBe('apply');
    expect(judgeDelta(based(5), 10, delta(6, 10)).action).toBe('apply');
  });

  it('keeps and syncs on a gap, also when neither delta has rows (a lost no-row delta)', () => {
    expect(judgeDelta(based(5), 10, delta(7, 10))).toEqual({ action: 'keep', reason: 'gap' });
  });

  it('ignores what is held already: a number at or below the held one, sent no later', () => {
    const ledger = applied(based(5), delta(6, 10));
    expect(judgeDelta(ledger, 10, delta(6, 10)).action).toBe('ignore');
    expect(judgeDelta(ledger, 10, delta(4, 9)).action).toBe('ignore');
  });

  it('resets when the numbering went back: a number at or below the held one, sent after it', () => {
    expect(judgeDelta(based(5), 10, delta(3, 2, 3, { sentAtMicros: 9_000 }))).toEqual({ action: 'reset', reason: 'numbering went back' });
  });

  it('resets when the next number does not start at the held cursor (reissued ids)', () => {
    expect(judgeDelta(based(5), 10, delta(6, 4, 5))).toEqual({ action: 'reset', reason: 'another log' });
  });

  it('resets when the next number follows another delta than the held one (another branch after a restore)', () => {
    expect(judgeDelta(based(5), 10, delta(6, 10, 10, { prevSentAtMicros: 5_500 }))).toEqual({ action: 'reset', reason: 'another log' });
  });

  it('ignores a delta sent no later than the held one, whatever its number (an abandoned branch)', () => {
    expect(judgeDelta(based(5), 10, delta(6, 10, 10, { sentAtMicros: 4_000 })).action).toBe('ignore');
  });

  it('syncs on a delta written from an older snapshot (from_cursor -1), on another epoch, or without a base', () => {
    expect(judgeDelta(based(5), 10, delta(6, -1, 11)).action).toBe('keep');
    expect(judgeDelta(based(5), 10, delta(6, 10, 10, { prevSentAtMicros: null })).action).toBe('keep');
    expect(judgeDelta(based(5), 10, delta(6, 10, 10, { epoch: 'e2' })).action).toBe('keep');
    expect(judgeDelta(initialLedger(), 10, delta(6, 10)).action).toBe('keep');
  });
});

describe('judgeSync and rebased: a late answer is never simply dropped', () => {
  it('takes an answer older than applied deltas and replays the kept ones above it (issue 17 case 1)', () => {
    let ledger = based(5);
    const sent = syncSent(ledger);
    ledger = applied(sent.ledger, delta(6, 10, 11));
    ledger = applied(ledger, delta(7, 11));
    // the answer's snapshot ends at delta 5 (sent before 6 committed): it is the base, 6 and 7 go on it
    expect(judgeSync(ledger, params(10), sync(5, 10))).toBe('take');
    const next = rebased(ledger, sync(5, 10), sent.sentTick);
    expect(next.replay.map((d) => d.seq)).toEqual([6, 7]);
    expect(next.ledger.held).toEqual({ epoch: 'e1', seq: 5, sentAtMicros: 5000 });
  });

  it('keeps the held state when the answer is older and the kept deltas no longer cover the way back', () => {
    let ledger = based(5);
    ledger = applied(ledger, delta(6, 10));
    ledger = { ...ledger, kept: [] }; // pushed out (more than KEPT_MAX since)
    ledger = applied(ledger, delta(7, 10));
    expect(judgeSync(ledger, params(10), sync(5, 10))).toBe('keep-held');
  });

  it('takes an answer at or above the held number, and a reset answer', () => {
    const ledger = applied(based(5), delta(6, 10));
    expect(judgeSync(ledger, params(10), sync(6, 10))).toBe('take');
    expect(judgeSync(ledger, params(10), sync(9, 12))).toBe('take');
    expect(judgeSync(ledger, params(10), sync(2, 3, { reset: true }))).toBe('take');
  });

  it('replays only what is above the answer, and keeps a gap for the next sync', () => {
    let ledger = kept(based(5), delta(9, 12));
    ledger = kept(ledger, delta(7, 11));
    const next = rebased(ledger, sync(7, 11), 0);
    expect(next.replay.map((d) => d.seq)).toEqual([9]);
    expect(judgeDelta(next.ledger, 11, next.replay[0]!).action).toBe('keep');
    expect(owesSync(next.ledger)).toBe(true);
  });

  it('an unreadable delta is owed a sync sent after it', () => {
    let ledger = based(5);
    const early = syncSent(ledger);
    ledger = unknown(received(early.ledger));
    expect(owesSync(rebased(ledger, sync(5, 10), early.sentTick).ledger)).toBe(true);
    const late = syncSent(ledger);
    expect(owesSync(rebased(late.ledger, sync(6, 10), late.sentTick).ledger)).toBe(false);
  });

  it('the numbering going back drops everything kept but the new delta', () => {
    const ledger = wentBack(applied(based(5), delta(6, 10)), delta(2, 1, 2, { sentAtMicros: 99_000 }));
    expect(ledger.held).toBeNull();
    expect(ledger.kept.map((d) => d.seq)).toEqual([2]);
  });

  it('keeps at most KEPT_MAX deltas, the newest', () => {
    let ledger = based(0);
    for (let i = 1; i <= KEPT_MAX + 10; i++) ledger = kept(ledger, delta(i + 1, 10));
    expect(ledger.kept).toHaveLength(KEPT_MAX);
    expect(ledger.kept[0]!.seq).toBe(12);
  });
});
