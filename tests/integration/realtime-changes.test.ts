import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCustomer, RUN, startHarness, SUPPORT, waitFor, watch, type Harness, type Watch } from './realtime-harness.ts';

const TABLES = ['tickets', 'orders', 'customers', 'products'];
const ISO_MS_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('realtime postgres_changes', () => {
  let h: Harness;
  let admin: SupabaseClient;
  let support: SupabaseClient;
  let a: Watch;
  let s: Watch;

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.signIn(ADMIN);
    support = await h.signIn(SUPPORT);
    a = watch(admin, 'all-admin', TABLES.map((table) => ({ event: '*' as const, table })));
    s = watch(support, 'all-support', TABLES.map((table) => ({ event: '*' as const, table })));
    await Promise.all([a.live(), s.live()]);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Writes a marker customer and waits until `w` has seen it: everything committed before has arrived. */
  async function settle(...ws: Watch[]): Promise<void> {
    const marker = await newCustomer(h.db, 'Marker');
    await waitFor(() => ws.every((w) => w.events.some((e) => e.new.id === marker)), 'the marker change');
  }

  it('delivers inserts, updates and deletes on all four tables as Supabase shapes them', async () => {
    a.events.length = 0;
    s.events.length = 0;
    const customer = await newCustomer(h.db, 'Ada Lovelace');
    const product = (
      await h.db.query<{ id: string }>(
        `insert into products (sku, name, price_cents, stock) values ($1, 'Cable', 1299, 4) returning id`,
        [`RT-${RUN}-1`],
      )
    ).rows[0]!.id;
    const order = (
      await h.db.query<{ id: string }>(`insert into orders (customer_id) values ($1) returning id`, [customer])
    ).rows[0]!.id;
    const ticket = (
      await h.db.query<{ id: string }>(
        `insert into tickets (customer_id, device, issue) values ($1, 'Phone', 'Cracked screen') returning id`,
        [customer],
      )
    ).rows[0]!.id;
    await h.db.query(`update orders set status = 'paid' where id = $1`, [order]);
    await h.db.query(`update tickets set status = 'in_progress' where id = $1`, [ticket]);
    await h.db.query(`update products set price_cents = 1499 where id = $1`, [product]);
    await h.db.query(`update customers set phone = '+1 555 0100' where id = $1`, [customer]);
    // Realtime checks RLS against the row as it is when the change is polled (by primary key), so a
    // row deleted before that is never sent as INSERT/UPDATE; let the first phase arrive first.
    await settle(a, s);
    await h.db.query(`delete from tickets where id = $1`, [ticket]);
    await h.db.query(`delete from orders where id = $1`, [order]);
    await h.db.query(`delete from products where id = $1`, [product]);
    await h.db.query(`delete from customers where id = $1`, [customer]);
    await settle(a, s);

    const seen = (w: Watch) => w.events.filter((e) => e.new.full_name !== 'Marker').map((e) => `${e.eventType} ${e.table}`);
    expect(seen(a)).toEqual([
      'INSERT customers',
      'INSERT products',
      'INSERT orders',
      'INSERT tickets',
      'UPDATE orders',
      'UPDATE tickets',
      'UPDATE products',
      'UPDATE customers',
      'DELETE tickets',
      'DELETE orders',
      'DELETE products',
      'DELETE customers',
    ]);
    // RLS: support never sees order inserts or updates; deletes bypass RLS (PK-only old record).
    expect(seen(s)).toEqual([
      'INSERT customers',
      'INSERT products',
      'INSERT tickets',
      'UPDATE tickets',
      'UPDATE products',
      'UPDATE customers',
      'DELETE tickets',
      'DELETE orders',
      'DELETE products',
      'DELETE customers',
    ]);

    const find = (w: Watch, type: string, table: string) => w.events.find((e) => e.eventType === type && e.table === table)!;
    const orderInsert = find(a, 'INSERT', 'orders');
    expect(orderInsert.schema).toBe('public');
    expect(orderInsert.errors).toBeNull();
    expect(orderInsert.commit_timestamp).toMatch(ISO_MS_Z);
    expect(orderInsert.new).toMatchObject({ id: order, customer_id: customer, status: 'pending', total_cents: 0, item_count: 0 });
    expect(typeof orderInsert.new.number).toBe('number');
    expect(orderInsert.new.created_at).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+\+00:00$/);
    expect(orderInsert.old).toEqual({});
    // orders has REPLICA IDENTITY FULL: the old row is complete on UPDATE.
    expect(find(a, 'UPDATE', 'orders').old).toMatchObject({ id: order, status: 'pending' });
    expect(find(a, 'UPDATE', 'orders').new).toMatchObject({ id: order, status: 'paid' });
    // products keeps DEFAULT: the old record is the primary key only.
    expect(find(a, 'UPDATE', 'products').old).toEqual({ id: product });
    expect(find(a, 'UPDATE', 'products').new).toMatchObject({ price_cents: 1499, stock: 4, active: true });
    // RLS is on, so DELETE old records are cut to the primary key even under FULL.
    for (const w of [a, s]) {
      expect(find(w, 'DELETE', 'tickets').old).toEqual({ id: ticket });
      expect(find(w, 'DELETE', 'orders').old).toEqual({ id: order });
      expect(find(w, 'DELETE', 'orders').new).toEqual({});
    }
  });

  it('delivers nothing for a rolled-back transaction and stamps the commit time', async () => {
    a.events.length = 0;
    await h.db
      .transaction(async (tx) => {
        await tx.query(`insert into customers (full_name, email) values ('Ghost', $1)`, [`ghost-${RUN.toLowerCase()}@test.example`]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    let beforeCommit = 0;
    await h.db.transaction(async (tx) => {
      await tx.query(`insert into customers (full_name, email) values ('Late', $1)`, [`late-${RUN.toLowerCase()}@test.example`]);
      await new Promise((r) => setTimeout(r, 300));
      beforeCommit = Date.now();
    });
    await settle(a);
    expect(a.events.some((e) => e.new.full_name === 'Ghost')).toBe(false);
    const late = a.events.find((e) => e.new.full_name === 'Late')!;
    // now() is the transaction start; commit_timestamp must be the commit, 300 ms later.
    expect(Date.parse(late.commit_timestamp!)).toBeGreaterThanOrEqual(beforeCommit - 5);
    expect(Date.parse(late.commit_timestamp!)).toBeGreaterThan(Date.parse(String(late.new.created_at)) + 250);
  });

  it('sends Error 401 events to a role without SELECT on the table', async () => {
    const anon = await h.withToken(() => h.keys.anonKey);
    const w = watch(anon, 'anon-customers', [{ event: 'INSERT', table: 'customers' }]);
    await w.live();
    await newCustomer(h.db, 'Seen by nobody');
    await waitFor(() => w.events.length > 0, 'the 401 event');
    expect(w.events[0]).toMatchObject({
      eventType: 'INSERT',
      table: 'customers',
      new: {},
      old: {},
      commit_timestamp: null,
      errors: ['Error 401: Unauthorized'],
    });
  });

  it('routes by binding: two channels on one socket get only their own tables', async () => {
    const onlyTickets = watch(admin, 'only-tickets', [{ event: 'INSERT', table: 'tickets' }]);
    const onlyProducts = watch(admin, 'only-products', [{ event: 'INSERT', table: 'products' }]);
    await Promise.all([onlyTickets.live(), onlyProducts.live()]);
    const customer = await newCustomer(h.db);
    await h.db.query(`insert into tickets (customer_id, device, issue) values ($1, 'Laptop', 'No power')`, [customer]);
    await h.db.query(`insert into products (sku, name, price_cents) values ($1, 'Charger', 2500)`, [`RT-${RUN}-R`]);
    await waitFor(() => onlyTickets.events.length === 1 && onlyProducts.events.length === 1, 'one event each');
    await settle(a);
    expect(onlyTickets.events.map((e) => e.table)).toEqual(['tickets']);
    expect(onlyProducts.events.map((e) => e.table)).toEqual(['products']);
  });
});
