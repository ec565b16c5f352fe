import { describe, expect, it } from 'vitest';
import { applied, initialLedger, judgeDelta, judgeSync, kept, owesSync, passed, rebased, received, syncSent, wentBack, type DeltaLedger } from '@/live/delta-ledger';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { DashboardDelta, SyncParams, SyncSnapshot } from '@/live/types';
import { mulberry32 } from '../../support/rng.ts';

// The ledger's rule (docs/delta-contract.md) against a model of the database, seeded and random:
// commits with and without rows, deltas lost, repeated, delayed and reordered, sync answers landing
// early, late and out of order, channel drops (a rejoin syncs), new epochs, and restores that
// reissue numbers and ids under the same epoch. After every step, when the client claims a
// position, what it holds is the database's state right after that commit (possibly of a branch a
// restore abandoned, until the next delta shows it); after everything lands and one more commit is
// delivered, it is the database's state now.

interface Commit {
  epoch: string;
  seq: number;
  sentAt: number;
  /** the state right after it */
  sum: number;
  cursor: number;
  /** this commit's change */
  add: number;
  fromCursor: number;
  /** sent_at of the topic's previous delta (0: none) */
  prev: number;
}

interface Held {
  sum: number;
  cursor: number;
}

const kpis = { totalRevenueCents: 0, productsSold: 0, ordersCount: 0, activeRepairs: 0, newTickets24h: 0, asOf: '2026-12-01T10:00:00.000Z' };
const page = { items: [], rowCount: 0, maxId: null, skipped: 0 };
const asDelta = (c: Commit): DashboardDelta & { add: number } => ({
  epoch: c.epoch, seq: c.seq, prevSentAtMicros: c.prev, touched: NOTHING_TOUCHED, fromCursor: c.fromCursor, cursor: c.cursor, feed: page, feedComplete: true,
  kpis: { ...kpis, previous: kpis }, role: 'admin', ticketStatus: [], ticketAging: null, revenue: [], sentAtMicros: c.sentAt, add: c.add,
});

function run(seed: number, steps: number) {
  const rnd = mulberry32(seed);
  // the database
  let epochs = 1;
  let epoch = 'e1';
  let seq = 0; // the sequence: never goes back but by a restore
  let clock = 1_000;
  let chain: Commit[] = []; // the current branch, oldest first
  const everything = new Map<string, Commit>(); // every commit ever, by seq:sentAt
  let last: Commit | null = null; // the topic's newest head, whatever the epoch
  const now = () => chain.at(-1) ?? null;
  const commit = () => {
    const before = now();
    const rows = rnd() < 0.6;
    const add = Math.floor(rnd() * 100) - 30;
    const fromCursor = before?.cursor ?? 0;
    const c: Commit = { epoch, seq: ++seq, sentAt: (clock += 1 + Math.floor(rnd() * 5)), sum: (before?.sum ?? 0) + add, cursor: fromCursor + (rows ? 1 : 0), add, fromCursor, prev: last?.sentAt ?? 0 };
    chain.push(c);
    last = c;
    everything.set(`${c.seq}:${c.sentAt}`, c);
    return c;
  };

  // the client
  let ledger: DeltaLedger = initialLedger();
  let held: Held = { sum: 0, cursor: 0 };
  let heldEpoch: string | null = null;
  let joined = true;
  let dirty = false;
  let fresh = false;
  const inbox: (DashboardDelta & { add: number })[] = [];
  const answers: { p: SyncParams; s: SyncSnapshot & { sum: number }; tick: number }[] = [];

  const debug = process.env.PROP_DEBUG === String(seed);
  const place = (d: DashboardDelta & { add: number }) => {
    const v = judgeDelta(ledger, held.cursor, d);
    if (debug) console.log('place', d.epoch, d.seq, d.sentAtMicros, d.fromCursor, d.cursor, d.add, '| held', JSON.stringify(ledger.held), JSON.stringify(held), v.action);
    if (v.action === 'ignore') return;
    if (v.action === 'reset') {
      ledger = wentBack(ledger, d);
      fresh = true;
      dirty = true;
      return;
    }
    if (v.action === 'apply') {
      held = { sum: held.sum + d.add, cursor: d.cursor };
      ledger = applied(ledger, d);
      return;
    }
    ledger = kept(ledger, d);
    if (answers.length === 0) dirty = true;
  };
  const sendSync = () => {
    dirty = false;
    const sent = syncSent(ledger);
    ledger = sent.ledger;
    const head = now();
    const p: SyncParams = { after: fresh || heldEpoch === null ? null : held.cursor, epoch: heldEpoch, limit: 100, revenueFrom: null, bucket: 'hour', tz: 'UTC' };
    fresh = false;
    const s = {
      epoch, reset: p.epoch !== null && p.epoch !== epoch, cursor: head?.cursor ?? 0, feed: page, feedComplete: true,
      kpis: { ...kpis, previous: kpis }, role: 'admin' as const, ticketStatus: [], revenue: null, ticketAging: null,
      deltaSeq: head?.seq ?? 0, deltaSentAtMicros: head?.sentAt ?? 0, sum: head?.sum ?? 0,
    };
    answers.push({ p, s, tick: sent.sentTick });
  };
  const land = (i: number) => {
    const [{ p, s, tick }] = answers.splice(i, 1) as [(typeof answers)[number]];
    if (debug) console.log('land', s.epoch, s.deltaSeq, s.deltaSentAtMicros, s.cursor, s.sum, 'after', p.after, '| held', JSON.stringify(ledger.held), JSON.stringify(held), judgeSync(ledger, p, s), 'kept', ledger.kept.map((k) => k.seq).join(','));
    if (judgeSync(ledger, p, s) === 'take') {
      const next = rebased(ledger, s, tick);
      ledger = next.ledger;
      held = { sum: s.sum, cursor: s.cursor };
      heldEpoch = s.epoch;
      for (const d of next.replay) place(d as DashboardDelta & { add: number });
    } else ledger = passed(ledger, tick);
    if (owesSync(ledger)) dirty = true;
  };

  const check = (label: string) => {
    const h = ledger.held;
    if (h === null) return;
    if (h.seq === 0) {
      expect(held, `${label}: an empty base`).toEqual({ sum: 0, cursor: 0 });
      return;
    }
    const at = everything.get(`${h.seq}:${h.sentAtMicros}`);
    if (at === undefined) throw new Error(`${label}: held position ${h.seq} was never committed`);
    expect(at.epoch, `${label}: epoch`).toBe(h.epoch);
    expect(held, `${label}: the state right after commit ${h.seq}`).toEqual({ sum: at.sum, cursor: at.cursor });
  };

  sendSync();
  for (let step = 0; step < steps; step++) {
    const r = rnd();
    const label = `seed ${seed} step ${step}`;
    if (debug) console.log(label, r.toFixed(3), 'db', epoch, now()?.seq, now()?.sum);
    if (r < 0.35) {
      const c = commit();
      if (joined && rnd() > 0.1) inbox.push(asDelta(c)); // lost: 10 %, or all while the channel is down
      if (rnd() < 0.05) inbox.push(asDelta(c)); // repeated
    } else if (r < 0.6 && inbox.length > 0) {
      const i = rnd() < 0.1 ? Math.floor(rnd() * inbox.length) : 0; // delayed, reordered
      const [d] = inbox.splice(i, 1);
      ledger = received(ledger);
      if (joined) place(d!);
    } else if (r < 0.78 && answers.length > 0) {
      land(rnd() < 0.3 ? Math.floor(rnd() * answers.length) : 0);
    } else if (r < 0.86) {
      if (dirty || rnd() < 0.2) sendSync(); // the scheduler (and the minute's timer now and then)
    } else if (r < 0.9) {
      joined = !joined; // a drop; the rejoin syncs
      if (joined) dirty = true;
    } else if (r < 0.93 && chain.length > 2) {
      // a restore under the same epoch: back to an earlier commit; numbers and ids are reissued
      const to = 1 + Math.floor(rnd() * (chain.length - 1));
      seq = chain[to]!.seq - 1;
      chain = chain.slice(0, to);
      last = chain.at(-1)!;
    } else if (r < 0.95) {
      // a TRUNCATE: a new epoch; its own delta carries it, and the sequence goes on
      epoch = `e${(epochs += 1)}`;
      chain = [];
      const c = commit();
      if (joined) inbox.push(asDelta(c));
    }
    check(label);
  }

  // everything lands (the channel is joined again); then one more commit, delivered: the client is the database now
  for (let i = 0; i < 50 && (inbox.length > 0 || answers.length > 0 || dirty); i++) {
    while (inbox.length > 0) {
      ledger = received(ledger);
      place(inbox.shift()!);
    }
    while (answers.length > 0) land(0);
    if (dirty) sendSync();
    while (answers.length > 0) land(0);
    check(`seed ${seed} draining ${i}`);
  }
  for (let round = 0; round < 3; round++) {
    place(asDelta(commit()));
    if (dirty) sendSync();
    while (answers.length > 0) land(0);
    if (dirty) sendSync();
    while (answers.length > 0) land(0);
  }
  const head = now()!;
  expect(ledger.held, `seed ${seed}: at the head`).toEqual({ epoch: head.epoch, seq: head.seq, sentAtMicros: head.sentAt });
  expect(held).toEqual({ sum: head.sum, cursor: head.cursor });
  // and nothing more is owed: no sync loop on what a restore left behind
  expect(owesSync(ledger), `seed ${seed}: nothing owed`).toBe(false);
}

describe('delta ledger against a database model (seeded property test)', () => {
  const seeds = Array.from({ length: Number(process.env.PROP_SEEDS ?? 200) }, (_, i) => 17_000 + i * 7_919);
  it.each(seeds)('seed %i: 300 random steps', (seed) => {
    run(seed, 300);
  });
});
