// The database on both engines: on PGlite (PostgreSQL 18, what the local stack runs) the
// platform bootstrap, migrations and seed apply and the RPCs answer; on PostgreSQL
// (DATABASE_URL, the CI cluster) two overlapping writers really run on two connections and a
// polling reader never sees an activity id appear behind its cursor.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const databaseUrl = process.env.DATABASE_URL;
const ADMIN = 'a0000000-0000-4000-8000-000000000001';
const SUPPORT = 'a0000000-0000-4000-8000-000000000002';
const claims = (sub: string) => JSON.stringify({ sub, role: 'authenticated' });

describe('database on PGlite', () => {
  let db: PGlite;

  async function asStaff<T>(sub: string, sql: string): Promise<T[]> {
    return db.transaction(async (tx) => {
      await tx.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)", [
        claims(sub),
      ]);
      return (await tx.query<T>(sql)).rows;
    });
  }

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { pgcrypto, pg_trgm } });
    await db.exec(readFileSync(join(root, 'local-supabase', 'platform.sql'), 'utf8'));
    const dir = join(root, 'supabase', 'migrations');
    for (const file of readdirSync(dir).sort()) await db.exec(readFileSync(join(dir, file), 'utf8'));
    await db.exec(readFileSync(join(root, 'supabase', 'seed.sql'), 'utf8'));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('loads the demo data set with both staff logins', async () => {
    const { rows } = await db.query<{ customers: number; products: number; logins: number; pending: number }>(
      `select (select count(*)::int from public.customers) as customers, (select count(*)::int from public.products) as products,
              (select count(*)::int from auth.users
                where encrypted_password = extensions.crypt('password123', encrypted_password)) as logins,
              (select count(*)::int from private.activity_pending) as pending`,
    );
    expect(rows[0]).toEqual({ customers: 200, products: 60, logins: 2, pending: 0 });
  });

  it('gives admin revenue and support none', async () => {
    const [admin] = await asStaff<{ k: Record<string, unknown> }>(ADMIN, 'select public.dashboard_kpis() as k');
    const [support] = await asStaff<{ k: Record<string, unknown> }>(SUPPORT, 'select public.dashboard_kpis() as k');
    expect(admin?.k.role).toBe('admin');
    expect(admin?.k.total_revenue_cents).toBeGreaterThan(0);
    expect(support?.k.role).toBe('support');
    expect(support?.k.total_revenue_cents).toBeNull();
    expect(support?.k.active_repairs).toBe(admin?.k.active_repairs);
  });

  it('numbers a transaction\'s activity at commit, with the order totals its items gave', async () => {
    const before = (await db.query<{ id: number }>('select coalesce(max(id), 0)::int as id from public.activity_log')).rows[0]
      ?.id;
    await db.transaction(async (tx) => {
      await tx.query("select set_config('role', 'service_role', true)");
      const { rows } = await tx.query<{ id: string }>(
        `insert into public.orders (customer_id, status) select id, 'paid' from public.customers order by email limit 1
         returning id`,
      );
      await tx.query(
        `insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
         select $1, id, 2, 1500 from public.products order by sku limit 1`,
        [rows[0]?.id],
      );
    });
    const feed = await asStaff<{ id: number; kind: string; summary: Record<string, unknown> }>(
      ADMIN,
      `select id, kind, summary from public.activity_feed(5, p_after => ${before})`,
    );
    expect(feed.map((r) => r.kind)).toEqual(['order_placed']);
    expect(feed[0]?.id).toBe((before ?? 0) + 1);
    expect(feed[0]?.summary).toMatchObject({ total_cents: 3000, item_count: 2, status: 'paid' });
  });
});

describe.skipIf(!databaseUrl)('activity ids on PostgreSQL with overlapping writers', () => {
  const clients: pg.Client[] = [];
  const customerId = 'c6000000-0000-4000-8000-000000000001';
  const slowTicket = 'a6000000-0000-4000-8000-000000000001';
  const fastTicket = 'a6000000-0000-4000-8000-000000000002';
  const cleanup = async (c: pg.Client) => {
    await c.query('delete from public.tickets where id = any($1::uuid[])', [[slowTicket, fastTicket]]);
    await c.query('delete from public.customers where id = $1', [customerId]);
    await c.query('delete from public.activity_log where entity_id = any($1::uuid[])', [[slowTicket, fastTicket, customerId]]);
  };

  beforeAll(async () => {
    for (let i = 0; i < 3; i += 1) {
      const c = new pg.Client({ connectionString: databaseUrl, statement_timeout: 10_000 });
      await c.connect();
      clients.push(c);
    }
    const [reader] = clients as [pg.Client];
    await cleanup(reader);
    await reader.query(`insert into public.customers (id, full_name, email) values ($1, 'Olly Overlap', 'olly.overlap@example.com')`, [
      customerId,
    ]);
  });
  afterAll(async () => {
    if (clients[0]) await cleanup(clients[0]);
    await Promise.all(clients.map((c) => c.end()));
  });

  it('never shows a polling reader a new id below its cursor', async () => {
    const [reader, slow, fast] = clients as [pg.Client, pg.Client, pg.Client];
    const visible = async (id: string) =>
      (await reader.query<{ id: string }>('select id from public.activity_log where entity_id = $1', [id])).rows[0]?.id;
    const insertTicket = (c: pg.Client, id: string) =>
      c.query(`insert into public.tickets (id, customer_id, device, issue) values ($1, $2, 'Phone', 'Overlap')`, [id, customerId]);

    await slow.query('begin');
    await insertTicket(slow, slowTicket); // first to write ...
    await fast.query('begin');
    await insertTicket(fast, fastTicket);
    await fast.query('commit'); // ... but the other commits first, without waiting for it

    const cursor = Number((await reader.query<{ id: string }>('select max(id) as id from public.activity_log')).rows[0]?.id);
    expect(await visible(fastTicket)).toBeDefined();
    expect(await visible(slowTicket)).toBeUndefined();

    await slow.query('commit');
    const slowId = Number(await visible(slowTicket));
    expect(slowId).toBeGreaterThan(cursor);
    const caughtUp = await reader.query<{ entity_id: string }>('select entity_id from public.activity_log where id > $1', [cursor]);
    expect(caughtUp.rows.map((r) => r.entity_id)).toContain(slowTicket);
  });
});
