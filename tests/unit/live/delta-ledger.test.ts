import { describe, expect, it } from 'vitest';
import { applied, held, initialLedger, isBlocked, judgeDelta, judgeSync, rebased, received, syncSent, unknown, type DeltaLedger } from '@/live/delta-ledger';
import type { DashboardDelta, SyncParams, SyncSnapshot } from '@/live/types';

const kpis = { totalRevenueCents: 0, productsSold: 0, ordersCount: 0, activeRepairs: 0, newTickets24h: 0, asOf: '2026-12-01T10:00:00.000Z' };
const delta = (fromCursor: number, cursor: number, sentAtMicros: number, epoch = 'e1'): DashboardDelta => ({
  epoch,
  fromCursor,
  cursor,
  feed: { items: [], rowCount: 0, maxId: null, skipped: 0 },
  feedComplete: true,
  kpis: { ...kpis, previous: kpis },
  role: 'admin',
  ticketStatus: [],
  ticketAging: null,
  revenue: [],
  sentAtMicros,
});
const sync = (cursor: number, asOf = '2026-12-01T10:00:00.000Z', over: Partial<SyncSnapshot> = {}): SyncSnapshot => ({
  epoch: 'e1',
  reset: false,
  cursor,
  feed: { items: [], rowCount: 0, maxId: null, skipped: 0 },
  feedComplete: true,
  kpis: { ...kpis, asOf, previous: kpis },
  role: 'admin',
  ticketStatus: [],
  revenue: null,
  ticketAging: null,
  ...over,
});
const params = (after: number | null): SyncParams => ({ after, epoch: 'e1', limit: 100, revenueFrom: null, bucket: 'hour', tz: 'UTC' });
const AS_OF_US = Date.parse('2026-12-01T10:00:00.000Z') * 1000;

/** a ledger whose base is a sync at `cursor` taken with as_of = AS_OF */
function based(cursor: number): DeltaLedger {
  const { ledger, sentSeq } = syncSent(initialLedger());
  return rebased(ledger, sync(cursor), sentSeq).ledger;
}
const at = (cursor: number) => ({ epoch: 'e1', cursor });

describe('judgeDelta', () => {
  it('applies a delta whose from_cursor is the held cursor', () => {
    expect(judgeDelta(based(5), at(5), delta(5, 7, 1))).toEqual({ action: 'apply' });
  });

  it('before the first snapshot, or for another epoch: sync', () => {
    expect(judgeDelta(initialLedger(), { epoch: null, cursor: 0 }, delta(0, 1, 1)).action).toBe('sync');
    expect(judgeDelta(based(5), at(5), delta(5, 6, 1, 'e2'))).toMatchObject({ action: 'sync', reason: 'another epoch' });
  });

  it('a gap (from_cursor above the held cursor) syncs; rows at or below it are covered', () => {
    expect(judgeDelta(based(5), at(5), delta(6, 8, 1))).toMatchObject({ action: 'sync', reason: 'gap' });
    expect(judgeDelta(based(5), at(5), delta(3, 5, 1))).toMatchObject({ action: 'ignore', reason: 'covered' });
    expect(judgeDelta(based(5), at(5), delta(1, 2, 1))).toMatchObject({ action: 'ignore', reason: 'covered' });
  });

  it('from_cursor -1 (a writer under an older snapshot) always syncs, even at or below the held cursor', () => {
    expect(judgeDelta(based(5), at(5), delta(-1, 5, AS_OF_US + 5_000)).action).toBe('sync');
  });

  it('a delta without rows applies only when it is provably after the held point', () => {
    const l = based(5);
    // sent before the base snapshot's clock read (in the same ms, or earlier): maybe in it
    expect(judgeDelta(l, at(5), delta(5, 5, AS_OF_US + 999))).toMatchObject({ action: 'sync', reason: 'maybe in the last snapshot' });
    expect(judgeDelta(l, at(5), delta(5, 5, AS_OF_US + 1_000))).toEqual({ action: 'apply' });
    // below the base's cursor: the log had moved past it before the snapshot
    expect(judgeDelta(l, at(5), delta(3, 3, AS_OF_US + 5_000))).toMatchObject({ action: 'ignore' });
    expect(judgeDelta(l, at(5), delta(7, 7, AS_OF_US + 5_000))).toMatchObject({ action: 'sync', reason: 'gap' });
  });

  it('after an applied delta, a later delta without rows applies; an earlier or repeated one does not', () => {
    let l = received(based(5));
    const first = delta(5, 6, 10);
    l = applied(l, first);
    expect(judgeDelta(l, at(6), delta(6, 6, 11))).toEqual({ action: 'apply' });
    expect(judgeDelta(l, at(6), first)).toMatchObject({ action: 'ignore', reason: 'duplicate' });
    l = applied(received(l), delta(6, 6, 11));
    expect(judgeDelta(l, at(6), delta(6, 6, 11))).toMatchObject({ action: 'ignore', reason: 'duplicate' });
    // committed between the two (it sorts between them) yet delivered after: its revenue is not held
    expect(judgeDelta(l, at(6), delta(6, 6, 10.5))).toMatchObject({ action: 'sync', reason: 'out of order' });
    expect(judgeDelta(l, at(7), delta(5, 5, 10.5))).toMatchObject({ action: 'sync', reason: 'out of order' });
  });

  it('while something is kept, nothing applies (it is held too) until a sync sent after it lands', () => {
    let l = held(received(based(5)), delta(6, 7, 1));
    expect(isBlocked(l)).toBe(true);
    expect(judgeDelta(l, at(5), delta(5, 6, 2))).toMatchObject({ action: 'hold' });
    l = held(received(l), delta(5, 6, 2));
    const { ledger, sentSeq } = syncSent(l);
    const landed = rebased(ledger, sync(5), sentSeq);
    expect(landed.replay).toEqual([]); // both arrived before it was sent: it has them
    expect(isBlocked(landed.ledger)).toBe(false);
  });

  it('kept deltas that arrived after the sync was sent come back to be judged against its answer', () => {
    const sent = syncSent(based(5));
    const l = held(received(sent.ledger), delta(6, 7, 1));
    const landed = rebased(l, sync(6), sent.sentSeq);
    expect(landed.replay.map((d) => d.cursor)).toEqual([7]);
    expect(judgeDelta(landed.ledger, at(6), landed.replay[0]!)).toEqual({ action: 'apply' });
  });

  it('an unreadable delta blocks until a sync sent after it lands', () => {
    const early = syncSent(based(5));
    const l = unknown(received(early.ledger));
    expect(isBlocked(rebased(l, sync(5), early.sentSeq).ledger)).toBe(true);
    const late = syncSent(l);
    expect(isBlocked(rebased(late.ledger, sync(5), late.sentSeq).ledger)).toBe(false);
  });
});

describe('judgeSync', () => {
  it('takes an answer when nothing was applied since it was sent', () => {
    const { ledger, sentSeq } = syncSent(based(5));
    expect(judgeSync(ledger, at(5), params(5), sync(9), sentSeq)).toBe('take');
  });

  it('an answer older than deltas applied during its flight is not taken; a newer one is', () => {
    const sent = syncSent(based(5));
    const l = applied(received(sent.ledger), delta(5, 8, 1));
    expect(judgeSync(l, at(8), params(5), sync(7), sent.sentSeq)).toBe('ignore');
    expect(judgeSync(l, at(8), params(5), sync(9), sent.sentSeq)).toBe('take');
    expect(judgeSync(l, at(8), params(5), sync(8), sent.sentSeq)).toBe('take'); // it has the row at 8
  });

  it('same cursor, but a delta without rows applied during its flight: not taken, one more sync', () => {
    const sent = syncSent(based(5));
    const l = applied(received(sent.ledger), delta(5, 5, AS_OF_US + 5_000));
    expect(judgeSync(l, at(5), params(5), sync(5), sent.sentSeq)).toBe('ignore-and-sync');
  });

  it('a reset, another epoch, a fresh snapshot or ids that went back are always taken', () => {
    const sent = syncSent(based(5));
    const l = applied(received(sent.ledger), delta(5, 8, 1));
    expect(judgeSync(l, at(8), params(5), sync(2, undefined, { reset: true }), sent.sentSeq)).toBe('take');
    expect(judgeSync(l, at(8), params(5), sync(2, undefined, { epoch: 'e2' }), sent.sentSeq)).toBe('take');
    expect(judgeSync(l, at(8), params(null), sync(2), sent.sentSeq)).toBe('take');
    expect(judgeSync(l, at(8), params(5), sync(4), sent.sentSeq)).toBe('take');
  });
});
