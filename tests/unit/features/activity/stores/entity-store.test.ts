import { describe, expect, it } from 'vitest';
import { initialChangeClock, recordTouched } from '@/live/change-clock';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { TouchedEntities } from '@/live/types';
import type { LiveMark } from '@/features/activity/utils/live-mark';
import { ApiError } from '@/lib/api-error';
import { createEntityController } from '@/features/activity/stores/entity-store';
import type { EntityDetail, EntityRef } from '@/features/activity/types';
import { seededRandom } from '../../fixtures/random';

/** the live state at `cursor` in one epoch, with no change heard */
const at = (cursor: number): LiveMark => ({ epoch: 'epoch-1', cursor, changes: initialChangeClock() });
const flush = async () => {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
};
const REFS: EntityRef[] = [
  { type: 'ticket', id: 'a' },
  { type: 'customer', id: 'b' },
  { type: 'product', id: 'c' },
];

/** entity_detail over a log where each entity has a version that grows with every write. */
function fakeDetailServer() {
  const versions = new Map<string, number>();
  const pending: { ref: EntityRef; answer: EntityDetail; resolve: (d: EntityDetail) => void; reject: (e: Error) => void }[] = [];
  const detailOf = (ref: EntityRef): EntityDetail => {
    const v = versions.get(ref.id) ?? 0;
    return {
      record: { type: 'product', name: `${ref.id} v${v}`, sku: null, priceCents: v, stock: v },
      deleted: false,
      history: [{ id: v + 1, kind: 'product_updated', entityType: ref.type, entityId: ref.id, occurredAt: '2026-12-01T00:00:00Z', summary: {} }],
      historyComplete: true,
    };
  };
  return {
    pending,
    detailOf,
    write: (id: string) => versions.set(id, (versions.get(id) ?? 0) + 1),
    fetchDetail: (ref: EntityRef) => new Promise<EntityDetail>((resolve, reject) => pending.push({ ref, answer: detailOf(ref), resolve, reject })),
  };
}

describe('entity panel store', () => {
  it('treats 42501 as not allowed and stops asking', async () => {
    const server = fakeDetailServer();
    const panel = createEntityController({ fetchDetail: server.fetchDetail });
    panel.open({ type: 'order', id: 'x' }, at(0));
    server.pending.shift()!.reject(new ApiError('staff only', 403, '42501'));
    await flush();
    expect(panel.store.getState().status).toBe('forbidden');
    panel.liveMoved(at(5));
    expect(server.pending).toHaveLength(0);
  });

  it('drops an answer from the old log when the epoch changes while it is in flight, and reads again', async () => {
    const server = fakeDetailServer();
    const panel = createEntityController({ fetchDetail: server.fetchDetail });
    panel.open({ type: 'product', id: 'c' }, at(40));
    const old = server.pending.shift()!;
    panel.liveMoved({ ...at(3), epoch: 'epoch-2' });
    expect(panel.store.getState()).toMatchObject({ status: 'loading', detail: null });
    const fresh = server.pending.shift()!;
    old.resolve(old.answer);
    await flush();
    expect(panel.store.getState()).toMatchObject({ status: 'loading', detail: null });
    server.write('c');
    fresh.resolve(server.detailOf(fresh.ref));
    await flush();
    expect(panel.store.getState().detail).toEqual(server.detailOf({ type: 'product', id: 'c' }));
  });

  it('reads an order again when one of its lines\' products changes, one read for a burst, none for other products', async () => {
    const server = fakeDetailServer();
    const panel = createEntityController({ fetchDetail: server.fetchDetail });
    let changes = initialChangeClock();
    const touch = (patch: Partial<TouchedEntities>) => {
      changes = recordTouched(changes, 'engine-1', { ...NOTHING_TOUCHED, ...patch });
      panel.liveMoved({ ...at(5), changes });
    };
    const order: EntityDetail = {
      record: { type: 'order', number: 7, customerId: 'cu-1', customerName: 'Jane', status: 'paid', totalCents: 100, itemCount: 1, items: [{ productId: 'p-1', name: 'Screen', sku: null, quantity: 1, unitPriceCents: 100 }] },
      deleted: false,
      history: [],
      historyComplete: true,
    };
    panel.open({ type: 'order', id: 'o-1' }, at(5));
    server.pending.shift()!.resolve(order);
    await flush();
    touch({ products: ['p-2'], customers: ['cu-2'], orders: ['o-2'], tickets: 'many' });
    expect(server.pending).toHaveLength(0);
    // a product rename: the line shows its name
    touch({ products: ['p-1'] });
    touch({ products: ['p-1'] });
    touch({ orders: ['o-1'] });
    expect(server.pending).toHaveLength(1);
    server.pending.shift()!.resolve(order);
    await flush();
    expect(server.pending).toHaveLength(1);
    server.pending.shift()!.resolve(order);
    await flush();
    expect(server.pending).toHaveLength(0);
  });

  // Invariant: what the panel shows is always the entity it is open on, and never an older answer
  // than one already shown; once every answer has landed it is the entity as it is now.
  it('holds its invariant under random opens, writes, cursor moves and answers in any order', async () => {
    for (let seed = 1; seed <= 150; seed += 1) {
      const rand = seededRandom(seed);
      const server = fakeDetailServer();
      const panel = createEntityController({ fetchDetail: server.fetchDetail, timeoutMs: 60_000 });
      let cursor = 0;
      let lastShown = null as { id: string; v: number } | null;
      for (let step = 0; step < 60; step += 1) {
        const roll = rand.next();
        if (roll < 0.2) panel.open(rand.chance(0.15) ? null : rand.pick(REFS), at(cursor));
        else if (roll < 0.45) {
          server.write(rand.pick(REFS).id);
          cursor += 1;
          panel.liveMoved(at(cursor));
        } else if (roll < 0.5) panel.retry();
        else if (server.pending.length > 0) {
          const [call] = server.pending.splice(rand.int(server.pending.length), 1);
          if (rand.chance(0.15)) call!.reject(new Error('boom'));
          else call!.resolve(call!.answer);
        }
        await flush();
        const { ref, detail } = panel.store.getState();
        const ctx = `seed ${seed} step ${step}`;
        if (!ref) {
          expect(detail, ctx).toBeNull();
          lastShown = null;
          continue;
        }
        if (!detail) continue;
        expect(detail.history[0]!.entityId, ctx).toBe(ref.id);
        const v = detail.record!.type === 'product' ? detail.record!.stock! : -1;
        if (lastShown?.id === ref.id) expect(v, ctx).toBeGreaterThanOrEqual(lastShown.v);
        lastShown = { id: ref.id, v };
      }
      // let everything land (each answer as the server had it), then one retry in case the last read failed
      for (let round = 0; round < 2; round += 1) {
        while (server.pending.length > 0) {
          const [call] = server.pending.splice(rand.int(server.pending.length), 1);
          call!.resolve(call!.answer);
          await flush();
        }
        if (round === 0) panel.retry();
      }
      const { ref, detail, status } = panel.store.getState();
      if (ref) {
        expect(status, `seed ${seed}`).toBe('ready');
        expect(detail, `seed ${seed}`).toEqual(server.detailOf(ref));
      }
    }
  });
});
