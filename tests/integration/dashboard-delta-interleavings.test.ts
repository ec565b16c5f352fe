import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../local-supabase/db/types.ts';
import { mulberry32 as rng } from '../support/rng.ts';
import { ADMIN, newCustomer, RUN, startHarness, SUPPORT, waitFor, type Harness } from './realtime-harness.ts';

// The deltas' invariants under seeded random interleavings of writers (on PostgreSQL: three
// connections with open transactions interleaved, their commits often at the same time; on PGlite, one connection: random
// transactions one after another), each transaction a random mix of ticket inserts, status and
// priority changes, orders with items, item edits, refunds, order deletes, customer and product
// edits, committed or rolled back. Invariants, per audience, over what supabase-js received:
//   - the deltas form one chain: each from_cursor is the previous delta's cursor, and each seq
//     (contract v2) is above the previous one (one more, but for a transaction that aborted after
//     numbering);
//   - their feeds, oldest first, are exactly the audience's new activity rows;
//   - support's never hold an order row or an order id (`touched.orders` is always empty);
//   - admin's revenue changes add up, per hour, to what sales_hourly gained;
//   - the last delta's KPIs and ticket figures are dashboard_sync's now.

interface Delta {
  seq: number;
  touched: Record<'tickets' | 'orders' | 'customers' | 'products', string[] | 'many'>;
  from_cursor: number;
  cursor: number;
  feed: { id: number; entity_type: string; entity_id: string }[];
  feed_complete: boolean;
  kpis: Record<string, unknown>;
  ticket_status: unknown;
  revenue: { hour: string; revenue_cents: number; orders_count: number; items_sold: number }[] | null;
}

interface Listener {
  deltas: Delta[];
  raw: string[];
  subscribed: boolean;
}

function listen(client: SupabaseClient, topic: string): Listener {
  const l: Listener = { deltas: [], raw: [], subscribed: false };
  client
    .channel(topic, { config: { private: true } })
    .on('broadcast', { event: 'delta' }, (m) => {
      l.raw.push(JSON.stringify(m.payload));
      l.deltas.push(m.payload as Delta);
    })
    .subscribe((s) => (l.subscribed ||= s === 'SUBSCRIBED'));
  return l;
}

interface Writer {
  q: Queryable;
  customer: string;
  product: string;
  tickets: string[];
  orders: string[];
  /** This transaction's new rows, kept only if it commits. */
  pending: { tickets: string[]; orders: string[] } | null;
}

type Hourly = Map<string, [number, number, number]>;

async function salesByHour(db: Queryable): Promise<Hourly> {
  const { rows } = await db.query<{ hour: string; r: string; o: string; i: string }>(
    `select to_char(bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24') as hour, sum(revenue_cents)::text as r,
            sum(orders_count)::text as o, sum(items_sold)::text as i from public.sales_hourly group by bucket`,
  );
  return new Map(rows.map((r) => [r.hour, [Number(r.r), Number(r.o), Number(r.i)]]));
}

const pick = <T,>(r: () => number, xs: T[]): T | undefined => xs[Math.floor(r() * xs.length)];

async function step(w: Writer, r: () => number, tag: string): Promise<void> {
  const tickets = [...w.tickets, ...(w.pending?.tickets ?? [])];
  const orders = [...w.orders, ...(w.pending?.orders ?? [])];
  const op = Math.floor(r() * 9);
  if (op === 0 || tickets.length === 0) {
    const { rows } = await w.q.query<{ id: string }>(
      `insert into public.tickets (customer_id, device, issue, priority) values ($1, $2, 'Interleaved', $3) returning id`,
      [w.customer, `Device ${tag}`, pick(r, ['low', 'normal', 'high', 'urgent'])],
    );
    w.pending?.tickets.push(rows[0]!.id);
  } else if (op === 1) {
    await w.q.query(`update public.tickets set status = $2 where id = $1`, [
      pick(r, tickets),
      pick(r, ['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled']),
    ]);
  } else if (op === 2) {
    await w.q.query(`update public.tickets set priority = $2 where id = $1`, [pick(r, tickets), pick(r, ['low', 'urgent'])]);
  } else if (op === 3 || orders.length === 0) {
    const { rows } = await w.q.query<{ id: string }>(
      `insert into public.orders (customer_id, status, created_at) values ($1, $2, now() - $3 * interval '1 hour') returning id`,
      [w.customer, pick(r, ['paid', 'paid', 'pending']), Math.floor(r() * 3)],
    );
    await w.q.query(
      `insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
       select $1, $2, 1 + g % 3, 700 + 100 * g from generate_series(1, $3::int) g`,
      [rows[0]!.id, w.product, 1 + Math.floor(r() * 3)],
    );
    w.pending?.orders.push(rows[0]!.id);
  } else if (op === 4) {
    await w.q.query(`update public.order_items set quantity = 1 + (quantity % 5) where order_id = $1`, [pick(r, orders)]);
  } else if (op === 5) {
    await w.q.query(`update public.orders set status = $2 where id = $1`, [pick(r, orders), pick(r, ['refunded', 'paid'])]);
  } else if (op === 6) {
    const id = pick(r, orders)!;
    await w.q.query(`delete from public.orders where id = $1`, [id]);
    w.orders = w.orders.filter((o) => o !== id);
    if (w.pending) w.pending.orders = w.pending.orders.filter((o) => o !== id);
  } else if (op === 7) {
    await w.q.query(`update public.customers set phone = $2 where id = $1`, [w.customer, `+1 555 ${1000 + Math.floor(r() * 9000)}`]);
  } else {
    await w.q.query(`update public.products set stock = stock + 1 where id = $1`, [w.product]);
  }
}

function chain(deltas: Delta[], start: number): number[] {
  const broken: number[] = [];
  let cursor = start;
  deltas.forEach((d, i) => {
    if (d.from_cursor !== cursor) broken.push(i);
    cursor = d.cursor;
  });
  return broken;
}

describe('dashboard deltas under seeded random interleavings', () => {
  let h: Harness;
  const conns: pg.Client[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.end()));
    await h?.close();
  });

  it('keep their chain, feeds, audience, revenue and KPIs for every seed', async () => {
    const admin = listen(await h.signIn(ADMIN), 'dashboard:admin');
    const support = listen(await h.signIn(SUPPORT), 'dashboard:support');
    await waitFor(() => admin.subscribed && support.subscribed, 'both joins');
    const url = process.env.DATABASE_URL;
    // Each writer its own customer, product and counter slot (pid % 16), so no writer waits on
    // another's row lock while this test holds both transactions open.
    const queryables: Queryable[] = [];
    if (url) {
      const slots = new Set<number>();
      while (queryables.length < 3) {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        conns.push(c);
        const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
        if (slots.has(rows[0]!.pid % 16)) continue;
        slots.add(rows[0]!.pid % 16);
        queryables.push({
          query: async <R,>(sql: string, params?: unknown[]) => {
            const res = await c.query(sql, params);
            return { rows: res.rows as R[], fields: res.fields };
          },
        });
      }
    }

    for (const seed of [21, 22, 23]) {
      const r = rng(seed);
      const { rows } = await h.db.query<{ a: string; s: string }>(
        'select private.visible_cursor(true)::text as a, private.visible_cursor(false)::text as s',
      );
      const [startAdmin, startSupport] = [Number(rows[0]!.a), Number(rows[0]!.s)];
      const [aFrom, sFrom] = [admin.deltas.length, support.deltas.length];
      const salesBefore = await salesByHour(h.db);

      const writers: Writer[] = [];
      for (let i = 0; i < (url ? 3 : 1); i++) {
        const customer = await newCustomer(h.db, `Interleaved ${RUN} ${seed} ${i}`);
        const { rows: p } = await h.db.query<{ id: string }>(
          `insert into public.products (sku, name, price_cents) values ($1, 'Interleaved', 900) returning id`,
          [`IL-${RUN}-${seed}-${i}`],
        );
        writers.push({ q: queryables[i] ?? h.db, customer, product: p[0]!.id, tickets: [], orders: [], pending: null });
      }
      // The setup's own deltas came first.
      await waitFor(() => admin.deltas.length >= aFrom + 2 * writers.length, `seed ${seed}: the setup deltas`);

      if (url) {
        for (let n = 0; n < 60; n++) {
          const w = pick(r, writers)!;
          if (!w.pending) {
            await w.q.query('begin');
            w.pending = { tickets: [], orders: [] };
          } else if (r() < 0.7) {
            await step(w, r, `${seed}-${n}`);
          } else if (r() < 0.25) {
            await w.q.query('rollback');
            w.pending = null;
          } else {
            // Half the time every open transaction commits at once: their commits really overlap.
            const committing = r() < 0.5 ? writers.filter((x) => x.pending) : [w];
            await Promise.all(committing.map((x) => x.q.query('commit')));
            for (const x of committing) {
              x.tickets.push(...x.pending!.tickets);
              x.orders.push(...x.pending!.orders);
              x.pending = null;
            }
          }
        }
        for (const w of writers) {
          if (!w.pending) continue;
          await w.q.query('commit');
          w.tickets.push(...w.pending.tickets);
          w.orders.push(...w.pending.orders);
          w.pending = null;
        }
      } else {
        const w = writers[0]!;
        for (let n = 0; n < 20; n++) {
          const commit = r() < 0.75;
          const steps = 1 + Math.floor(r() * 4);
          w.pending = { tickets: [], orders: [] };
          await h.db
            .transaction(async (tx) => {
              w.q = tx;
              for (let k = 0; k < steps; k++) await step(w, r, `${seed}-${n}-${k}`);
              if (!commit) throw new Error('roll back');
            })
            .catch(() => undefined);
          if (commit) {
            w.tickets.push(...w.pending.tickets);
            w.orders.push(...w.pending.orders);
          }
          w.pending = null;
        }
        w.q = h.db;
      }

      // A last ticket marks the end for both audiences.
      const { rows: end } = await h.db.query<{ id: string }>(
        `insert into public.tickets (customer_id, device, issue) values ($1, 'End', 'End') returning id`,
        [writers[0]!.customer],
      );
      const endId = end[0]!.id;
      const seen = (l: Listener) => l.deltas.some((d) => d.feed.some((f) => f.entity_id === endId));
      await waitFor(() => seen(admin) && seen(support), `seed ${seed}: the end marker`);

      const a = admin.deltas.slice(aFrom);
      const s = support.deltas.slice(sFrom);
      expect(chain(a, startAdmin), `seed ${seed}: admin chain`).toEqual([]);
      expect(chain(s, startSupport), `seed ${seed}: support chain`).toEqual([]);
      const unordered = (ds: Delta[]) => ds.filter((d, i) => i > 0 && d.seq <= ds[i - 1]!.seq).map((d) => d.seq);
      expect(unordered(a), `seed ${seed}: admin seq in commit order`).toEqual([]);
      expect(unordered(s), `seed ${seed}: support seq in commit order`).toEqual([]);
      expect(s.every((d) => Array.isArray(d.touched.orders) && d.touched.orders.length === 0)).toBe(true);

      const { rows: log } = await h.db.query<{ id: string; entity_type: string }>(
        'select id::text, entity_type from public.activity_log where id > $1 order by id',
        [startAdmin],
      );
      const fed = (ds: Delta[]) => ds.flatMap((d) => [...d.feed].reverse().map((f) => String(f.id)));
      expect(a.every((d) => d.feed_complete)).toBe(true);
      expect(fed(a), `seed ${seed}: admin feeds = the new rows`).toEqual(log.map((l) => l.id));
      expect(fed(s), `seed ${seed}: support feeds = the new non-order rows`).toEqual(
        log.filter((l) => l.entity_type !== 'order' && Number(l.id) > startSupport).map((l) => l.id),
      );

      const supportText = support.raw.slice(sFrom).join();
      for (const w of writers) for (const o of w.orders) expect(supportText).not.toContain(o);
      expect(s.every((d) => d.revenue === null && d.feed.every((f) => f.entity_type !== 'order'))).toBe(true);

      const salesAfter = await salesByHour(h.db);
      const gained = new Map<string, [number, number, number]>();
      for (const hour of new Set([...salesBefore.keys(), ...salesAfter.keys()])) {
        const b = salesBefore.get(hour) ?? [0, 0, 0];
        const x = salesAfter.get(hour) ?? [0, 0, 0];
        const d: [number, number, number] = [x[0] - b[0], x[1] - b[1], x[2] - b[2]];
        if (d.some((v) => v !== 0)) gained.set(hour, d);
      }
      const summed = new Map<string, [number, number, number]>();
      for (const d of a) {
        for (const v of d.revenue ?? []) {
          const hour = new Date(v.hour).toISOString().slice(0, 13);
          const t = summed.get(hour) ?? [0, 0, 0];
          summed.set(hour, [t[0] + v.revenue_cents, t[1] + v.orders_count, t[2] + v.items_sold]);
        }
      }
      for (const [hour, t] of [...summed]) if (t.every((v) => v === 0)) summed.delete(hour);
      expect(summed, `seed ${seed}: revenue deltas add up to sales_hourly's change`).toEqual(gained);

      const last = a[a.length - 1]!;
      const adminClient = await h.signIn(ADMIN);
      const { data } = await adminClient.rpc('dashboard_sync', { p_after: last.cursor });
      const sync = data as { cursor: number; kpis: Record<string, unknown>; ticket_status: unknown; delta_seq: number };
      const { as_of: _x, ...lastKpis } = last.kpis;
      const { as_of: _y, ...syncKpis } = sync.kpis;
      expect(sync.cursor).toBe(last.cursor);
      expect(sync.delta_seq, `seed ${seed}: dashboard_sync's delta_seq is the last delta's`).toBe(last.seq);
      expect(lastKpis, `seed ${seed}: the last KPIs are dashboard_sync's`).toEqual(syncKpis);
      expect(last.ticket_status).toEqual(sync.ticket_status);
    }
  });
});
