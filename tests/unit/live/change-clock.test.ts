import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOCK_IDS, EVERYTHING_TOUCHED, initialChangeClock, positionOf, recordTouched, touchedSince } from '@/live/change-clock';
import type { TableChange } from '@/live/transport/parse-change';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { ChangeClock, TouchedEntities } from '@/live/types';
import { touchedFromChange } from '@/live/transport/touched-from';
import { seededRandom } from '../features/fixtures/random';
import { change, liveEngine, settle, setupEngine } from './fakes';

const t = (patch: Partial<TouchedEntities>): TouchedEntities => ({ ...NOTHING_TOUCHED, ...patch });

describe('change clock', () => {
  it('tells a reader exactly which ids changed since it looked, per table', () => {
    let c = recordTouched(initialChangeClock(), 'a', t({ tickets: ['t1'] }));
    const seen = positionOf(c);
    c = recordTouched(c, 'a', t({ tickets: ['t2'], products: ['p1'] }));
    c = recordTouched(c, 'a', t({ tickets: ['t1'] }));
    expect(touchedSince(c, seen)).toEqual({ tickets: ['t1', 't2'], orders: [], customers: [], products: ['p1'] });
    expect(touchedSince(c, positionOf(c))).toEqual(NOTHING_TOUCHED);
  });

  it("answers 'many' to a reader from before a change that named too many ids, and exactly after it", () => {
    let c = recordTouched(initialChangeClock(), 'a', t({ orders: ['o1'] }));
    const before = positionOf(c);
    c = recordTouched(c, 'a', t({ orders: 'many' }));
    const after = positionOf(c);
    c = recordTouched(c, 'a', t({ orders: ['o2'] }));
    expect(touchedSince(c, before).orders).toBe('many');
    expect(touchedSince(c, before).tickets).toEqual([]);
    expect(touchedSince(c, after).orders).toEqual(['o2']);
  });

  it(`keeps at most ${CLOCK_IDS} ids a table; a reader from before the evicted ones gets 'many'`, () => {
    let c = initialChangeClock();
    const start = positionOf(c);
    for (let i = 0; i < CLOCK_IDS + 10; i += 1) c = recordTouched(c, 'a', t({ customers: [`c${i}`] }));
    expect(Object.keys(c.tables.customers.ids).length).toBeLessThanOrEqual(CLOCK_IDS);
    expect(touchedSince(c, start).customers).toBe('many');
    expect(touchedSince(c, { origin: 'a', seq: c.seq - 2 }).customers).toEqual([`c${CLOCK_IDS + 8}`, `c${CLOCK_IDS + 9}`]);
  });

  it("gives a reader of another engine's clock everything, once", () => {
    let c = recordTouched(initialChangeClock(), 'leader-1', t({ tickets: ['t1'] }));
    const seen = positionOf(c);
    // a tab took over: its engine records into a clock of its own
    c = recordTouched(c, 'leader-2', t({ products: ['p1'] }));
    expect(touchedSince(c, seen)).toEqual(EVERYTHING_TOUCHED);
    expect(touchedSince(c, positionOf(c))).toEqual(NOTHING_TOUCHED);
    // the empty clock every page starts from is the start of any engine's clock
    const fresh = recordTouched(initialChangeClock(), 'x', t({ products: ['p2'] }));
    expect(touchedSince(fresh, positionOf(initialChangeClock()))).toEqual(t({ products: ['p2'] }));
  });

  // Invariant: whatever was recorded after a reader's position is in the answer (or its table is 'many').
  it('never misses an id touched after the reader looked, under random changes', () => {
    const missed: string[] = [];
    for (let seed = 1; seed <= 40; seed += 1) {
      const rand = seededRandom(seed);
      let c: ChangeClock = initialChangeClock();
      const log: { seq: number; touched: TouchedEntities }[] = [];
      for (let step = 0; step < 250; step += 1) {
        const ids = Array.from({ length: rand.int(4) }, () => `i${rand.int(400)}`);
        const touched = t({ [rand.pick(['tickets', 'orders', 'customers', 'products'] as const)]: rand.chance(0.02) ? 'many' : ids });
        c = recordTouched(c, 'a', touched);
        log.push({ seq: c.seq, touched });
      }
      const since = rand.int(c.seq + 1);
      const answer = touchedSince(c, { origin: 'a', seq: since });
      for (const { seq, touched } of log.filter((l) => l.seq > since)) {
        for (const table of ['tickets', 'orders', 'customers', 'products'] as const) {
          const got = answer[table];
          if (got === 'many') continue;
          const ids = touched[table];
          if (ids === 'many') missed.push(`seed ${seed} seq ${seq}: ${table} many`);
          else for (const id of ids) if (!got.includes(id)) missed.push(`seed ${seed} seq ${seq}: ${table} ${id}`);
        }
      }
    }
    expect(missed).toEqual([]);
  });
});

describe('touched, from what each transport delivers', () => {
  const row = (key: string | null, hasErrors = false): TableChange => ({ table: 'tickets', eventType: 'UPDATE', commitTimestamp: 1, key, hasErrors });

  it('a table push names its row; one without a key may be any row of its table', () => {
    expect(touchedFromChange(row('t1'))).toEqual(t({ tickets: ['t1'] }));
    expect(touchedFromChange(row(null))).toEqual(t({ tickets: 'many' }));
    expect(touchedFromChange(row('t1', true))).toEqual(t({ tickets: 'many' }));
  });
});

describe('live engine: the change clock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records every table push in the store, even one that adds no activity row', async () => {
    const { engine, client, stores } = await liveEngine();
    const seen = positionOf(stores.dashboard.getState().changes);
    const cursor = stores.dashboard.getState().cursor;
    // a ticket priority change and a product rename: no activity row, the cursor stays
    client.openFor('tickets').change(change('tickets', 'UPDATE', 't-9'));
    client.openFor('products').change(change('products', 'UPDATE', 'p-3'));
    await settle(50);
    const state = stores.dashboard.getState();
    expect(state.cursor).toBe(cursor);
    expect(touchedSince(state.changes, seen)).toEqual(t({ tickets: ['t-9'], products: ['p-3'] }));
    engine.stop();
  });

  it('counts a sync made while realtime was not live as touching everything (changes may have gone unheard)', async () => {
    const { engine, client, stores } = setupEngine();
    engine.start();
    await settle();
    const start = positionOf(stores.dashboard.getState().changes);
    client.readyAll();
    await settle(700);
    expect(stores.connection.getState().state).toBe('live');
    expect(touchedSince(stores.dashboard.getState().changes, start)).toEqual(EVERYTHING_TOUCHED);
    engine.stop();
  });

  /** an engine live on the admin delta topic, and the change clock's position once live */
  async function liveOnBroadcast() {
    const { engine, client, db, stores } = setupEngine({ options: { transport: 'broadcast', revenueRange: '24h' } });
    engine.start();
    await settle();
    const channel = client.topicChannel('dashboard:admin')!;
    channel.status('SUBSCRIBED');
    await settle(700);
    expect(stores.connection.getState().state).toBe('live');
    return { engine, channel, db, stores, seen: positionOf(stores.dashboard.getState().changes) };
  }

  it('broadcast: a lost delta (a gap in its topic\'s numbers) counts as touching everything', async () => {
    const { engine, channel, db, stores, seen } = await liveOnBroadcast();
    db.commit({ ticket: true, revenue: [] }); // lost on the way
    channel.delta(db.commit({ ticket: true, revenue: [] }).admin);
    await settle(50);
    expect(touchedSince(stores.dashboard.getState().changes, seen)).toEqual(EVERYTHING_TOUCHED);
    engine.stop();
  });

  it('broadcast: records what each delta touched, exactly as it names it', async () => {
    const { engine, channel, db, stores, seen } = await liveOnBroadcast();
    const sent = db.commit({ ticket: true, revenue: [] }).admin;
    channel.delta(sent);
    await settle(50);
    const named = touchedSince(stores.dashboard.getState().changes, seen);
    expect(named).toEqual(t({ tickets: sent.touched.tickets as string[] }));
    expect(named.tickets).toHaveLength(1);
    engine.stop();
  });
});
