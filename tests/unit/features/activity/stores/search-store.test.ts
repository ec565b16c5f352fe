import { describe, expect, it } from 'vitest';
import { initialChangeClock, recordTouched } from '@/live/change-clock';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { TouchedEntities } from '@/live/types';
import type { LiveMark } from '@/features/activity/utils/live-mark';
import { createSearchController } from '@/features/activity/stores/search-store';
import type { ActivityFilter } from '@/features/activity/types';
import { seededRandom } from '../../fixtures/random';
import { fakeSearchServer } from './fake-search-server';

const PAGE = 5;
/** the live state at `cursor` in one epoch, with no change heard */
const at = (cursor: number): LiveMark => ({ epoch: 'epoch-1', cursor, changes: initialChangeClock() });
const flush = async () => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};
const f = (q: string, kind: ActivityFilter['kind'] = null): ActivityFilter => ({ q, kind, status: null, priority: null });

function setup(seed = 1) {
  const rand = seededRandom(seed);
  const server = fakeSearchServer(rand);
  const search = createSearchController({ fetchPage: server.fetchPage, pageSize: PAGE, timeoutMs: 60_000 });
  const ids = () => search.store.getState().items.map((i) => i.id);
  return { rand, server, search, ids };
}

describe('search store', () => {
  it('never lets a late answer to an older query overwrite the newer one', async () => {
    const { server, search, ids } = setup();
    const cursor = server.write(30);
    search.setFilter(f('jane'), at(cursor));
    search.setFilter(f('iphone'), at(cursor));
    const [older, newer] = server.pending;
    newer!.resolve(newer!.answer);
    await flush();
    older!.resolve(older!.answer);
    await flush();
    expect(search.store.getState().filter?.q).toBe('iphone');
    expect(ids()).toEqual(server.answerFor(f('iphone')).slice(0, PAGE).map((i) => i.id));
  });

  it('shows a failure as an error that a retry clears', async () => {
    const { server, search, ids } = setup();
    const cursor = server.write(10);
    search.setFilter(f('jane'), at(cursor));
    server.pending.shift()!.reject(new Error('connection reset'));
    await flush();
    expect(search.store.getState()).toMatchObject({ status: 'error', error: 'connection reset', items: [] });
    search.retry();
    expect(search.store.getState().status).toBe('loading');
    const call = server.pending.shift()!;
    call.resolve(call.answer);
    await flush();
    expect(search.store.getState()).toMatchObject({ status: 'ready', error: null });
    expect(ids()).toEqual(call.answer.items.map((i) => i.id));
  });

  it('keeps the list when a refresh fails, and says so', async () => {
    const { server, search } = setup();
    search.setFilter(f(''), at(server.write(10)));
    const first = server.pending.shift()!;
    first.resolve(first.answer);
    await flush();
    search.liveMoved(at(server.write(2)));
    server.pending.shift()!.reject(new Error('timeout'));
    await flush();
    expect(search.store.getState()).toMatchObject({ status: 'ready', error: 'timeout' });
    expect(search.store.getState().items).toHaveLength(PAGE);
  });

  it('reads the first page again when the live cursor moves, one read at a time', async () => {
    const { server, search, ids } = setup();
    search.setFilter(f('', 'ticket'), at(server.write(3)));
    expect(server.pending).toHaveLength(1);
    search.liveMoved(at(server.write(3)));
    search.liveMoved(at(server.write(3)));
    // folded into one more read after the one in flight
    expect(server.pending).toHaveLength(1);
    const a = server.pending.shift()!;
    a.resolve(a.answer);
    await flush();
    expect(server.pending).toHaveLength(1);
    const b = server.pending.shift()!;
    b.resolve(b.answer);
    await flush();
    expect(server.pending).toHaveLength(0);
    expect(ids()).toEqual(server.answerFor(f('', 'ticket')).slice(0, PAGE).map((i) => i.id));
  });

  it('drops an answer from the old log when the epoch changes while it is in flight, and reads the new log', async () => {
    const { server, search, ids } = setup();
    const cursor = server.write(20);
    search.setFilter(f(''), at(cursor));
    const old = server.pending.shift()!;
    // the log was truncated: its ids start again, under another epoch
    search.liveMoved({ ...at(2), epoch: 'epoch-2' });
    expect(search.store.getState()).toMatchObject({ status: 'loading', items: [] });
    const fresh = server.pending.shift()!;
    expect(fresh).toBeDefined();
    old.resolve(old.answer);
    await flush();
    expect(search.store.getState()).toMatchObject({ status: 'loading', items: [] });
    const newLog = { ...fresh.answer, items: fresh.answer.items.slice(0, 2), rowCount: 2 };
    fresh.resolve(newLog);
    await flush();
    expect(ids()).toEqual(newLog.items.map((i) => i.id));
    expect(search.store.getState().seen.epoch).toBe('epoch-2');
  });

  it('reads a status or priority filter again on any ticket change: a burst costs one more read, other tables none', async () => {
    const { server, search } = setup();
    const cursor = server.write(10);
    let changes = initialChangeClock();
    const touch = (patch: Partial<TouchedEntities>) => {
      changes = recordTouched(changes, 'engine-1', { ...NOTHING_TOUCHED, ...patch });
      search.liveMoved({ ...at(cursor), changes });
    };
    search.setFilter({ ...f('', 'ticket'), priority: 'high' }, at(cursor));
    expect(server.pending).toHaveLength(1);
    touch({ tickets: ['t1'] });
    touch({ tickets: ['t2'] });
    touch({ tickets: 'many' });
    expect(server.pending).toHaveLength(1);
    let call = server.pending.shift()!;
    call.resolve(call.answer);
    await flush();
    // the burst: one more read, after the one in flight
    expect(server.pending).toHaveLength(1);
    call = server.pending.shift()!;
    call.resolve(call.answer);
    await flush();
    expect(server.pending).toHaveLength(0);
    touch({ products: ['p1'], orders: 'many', customers: ['c1'] });
    expect(server.pending).toHaveLength(0);
    touch({ tickets: ['t3'] });
    expect(server.pending).toHaveLength(1);
  });

  it('pages into the past with p_before and knows when it reached the end', async () => {
    const { server, search, ids } = setup();
    search.setFilter(f(''), at(server.write(12)));
    let call = server.pending.shift()!;
    call.resolve(call.answer);
    await flush();
    for (let i = 0; i < 2; i += 1) {
      search.loadOlder();
      call = server.pending.shift()!;
      expect(call.params.before).toBe(ids().at(-1));
      call.resolve(call.answer);
      await flush();
    }
    expect(ids()).toEqual(server.answerFor(f('')).map((i) => i.id));
    expect(search.store.getState().hasMore).toBe(false);
    search.loadOlder();
    expect(server.pending).toHaveLength(0);
  });

  it('times out a request that hangs, and ignores its answer when it comes', async () => {
    const rand = seededRandom(3);
    const server = fakeSearchServer(rand);
    const search = createSearchController({ fetchPage: server.fetchPage, pageSize: PAGE, timeoutMs: 5 });
    search.setFilter(f(''), at(server.write(8)));
    await new Promise((r) => setTimeout(r, 20));
    expect(search.store.getState()).toMatchObject({ status: 'error', error: 'The search did not answer within 0 s' });
    const late = server.pending.shift()!;
    late.resolve(late.answer);
    await flush();
    expect(search.store.getState().status).toBe('error');
  });

  // Invariant: at every step the list holds only rows matching the latest filter, newest first,
  // without duplicates; once every answer has landed it equals the server's answer to that filter.
  it('holds its invariant under random typing, answers in random order, failures and cursor moves', async () => {
    for (let seed = 1; seed <= 150; seed += 1) {
      const { rand, server, search, ids } = setup(seed);
      let cursor = server.write(rand.int(15));
      const randomFilter = () =>
        f(rand.chance(0.3) ? '' : rand.chance(0.5) ? rand.pick(server.words) : `${rand.pick(server.words)} ${rand.pick(server.words)}`, rand.chance(0.3) ? rand.pick(server.types) : null);
      for (let step = 0; step < 60; step += 1) {
        const roll = rand.next();
        if (roll < 0.2) search.setFilter(rand.chance(0.1) ? null : randomFilter(), at(cursor));
        else if (roll < 0.35) {
          cursor = server.write(1 + rand.int(4));
          search.liveMoved(at(cursor));
        } else if (roll < 0.45) search.loadOlder();
        else if (roll < 0.5) search.retry();
        else if (server.pending.length > 0) {
          const [call] = server.pending.splice(rand.int(server.pending.length), 1);
          if (rand.chance(0.15)) call!.reject(new Error('boom'));
          else call!.resolve(call!.answer);
        }
        await flush();
        const state = search.store.getState();
        const context = `seed ${seed} step ${step}`;
        if (!state.filter) {
          expect(state.items, context).toEqual([]);
          continue;
        }
        for (const item of state.items) expect(server.matches(item, state.filter), context).toBe(true);
        const shown = ids();
        expect(shown, context).toEqual([...shown].sort((a, b) => b - a));
        expect(new Set(shown).size, context).toBe(shown.length);
      }
      // let everything land, then one retry in case the last first-page read had failed
      for (let round = 0; round < 2; round += 1) {
        while (server.pending.length > 0) {
          const [call] = server.pending.splice(rand.int(server.pending.length), 1);
          call!.resolve(call!.answer);
          await flush();
        }
        if (round === 0) search.retry();
      }
      const state = search.store.getState();
      if (!state.filter) continue;
      const expected = server.answerFor(state.filter).map((i) => i.id);
      expect(state.status, `seed ${seed}`).toBe('ready');
      expect(ids(), `seed ${seed}`).toEqual(expected.slice(0, ids().length));
      expect(ids().length, `seed ${seed}`).toBeGreaterThanOrEqual(Math.min(PAGE, expected.length));
      expect(state.hasMore, `seed ${seed}`).toBe(ids().length < expected.length || (ids().length === expected.length && state.hasMore));
    }
  });
});
