// The drainer's cost per batch of captured changes is fixed, also when every transaction broadcasts
// too (the dashboard delta of realtime.send sits between the table changes of its transaction).
// Before, each run of table changes between two broadcast rows was matched and RLS-checked on its
// own: a burst of 1,000 single-row transactions cost thousands of queries, and on PostgreSQL they
// queued behind the writers in the one pool (the "1,000 separate transactions" test that timed out).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDb } from '../../local-supabase/db/open.ts';
import type { Db } from '../../local-supabase/db/types.ts';
import { installCapture, syncTables } from '../../local-supabase/realtime/capture.ts';
import { Drainer } from '../../local-supabase/realtime/drainer.ts';
import { Registry, type ChannelSink } from '../../local-supabase/realtime/subscriptions.ts';

const TX = 300;

describe('realtime drainer batches', () => {
  let db: Db;
  let product: string;
  beforeAll(async () => {
    db = await openDb({ databaseUrl: process.env.DATABASE_URL || undefined, memory: true, from: inject('dbSnapshot') || undefined });
    await installCapture(db);
    const sku = `DRAIN-${Date.now()}`;
    product = (await db.query<{ id: string }>(`insert into products (sku, name, price_cents, stock) values ($1, 'Drain', 100, 0) returning id`, [sku])).rows[0]!.id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it('matches and checks a whole batch at once and hands changes and broadcasts over in commit order', async () => {
    const { rows: staff } = await db.query<{ id: string }>(`select id from auth.users where email = 'admin@example.com'`);
    const adminId = staff[0]!.id;
    // Start after what is already captured, as a stack that was running would.
    const { rows: top } = await db.query<{ max: string | null }>('select max(id)::text as max from _realtime.changes');
    await db.query('delete from _realtime.changes where id <= $1::bigint', [top[0]?.max ?? '0']);

    const seen: { kind: 'change' | 'message'; stock?: number; topic?: string }[] = [];
    const sink: ChannelSink = {
      topic: 'realtime:drain',
      role: 'authenticated',
      claimsJson: JSON.stringify({ sub: adminId, role: 'authenticated' }),
      rlsKey: adminId,
      deliverChange: (_ids, raw) => seen.push({ kind: 'change', stock: (JSON.parse(raw) as { record: { stock: number } }).record.stock }),
    };
    const registry = new Registry();
    registry.replace(sink, [{ bindingId: 1, sink, action: 'UPDATE', tables: new Map([['public.products', [{ column: 'id', op: 'eq', value: product, castType: 'uuid' }]]]) }]);

    let queries = 0;
    const counted: Db = { ...db, query: (sql, params) => (queries++, db.query(sql, params)) };
    const tables = await syncTables(db);
    const drainer = new Drainer({
      db: counted,
      registry,
      tables: async () => tables,
      batchSize: 500,
      maxRecordBytes: 1024 * 1024,
      log: () => undefined,
      deliverMessage: (m) => seen.push({ kind: 'message', topic: m.topic }),
    });

    for (let i = 0; i < TX; i++) await db.query('update products set stock = stock + 1 where id = $1', [product]);
    let batches = 0;
    while ((await drainer.drainOnce()) > 0) batches++;

    const changes = seen.filter((s) => s.kind === 'change').map((s) => s.stock);
    expect(changes).toEqual(Array.from({ length: TX }, (_, i) => i + 1));
    // Every transaction also sent the admin delta; each came right after its own change.
    const kinds = seen.map((s) => (s.kind === 'change' ? 'c' : s.topic === 'dashboard:admin' ? 'a' : '')).filter(Boolean).join('');
    expect(kinds).toBe('ca'.repeat(TX));
    // A read, the filter, privileges, RLS and the delete per batch: no query per change.
    expect(batches).toBeGreaterThan(1);
    expect(queries).toBeLessThanOrEqual(batches * 8 + 1);
  });
});
