import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../local-supabase/db/types.ts';
import { ADMIN, newCustomer, RUN, sleep, startHarness, SUPPORT, waitFor, type Harness, type SystemMessage } from './realtime-harness.ts';

// The dashboard delta (issue 12, delta-contract.md) with the real supabase-js on the local stack:
// the migrations' policies decide who joins dashboard:admin and dashboard:support, a token change
// revokes, the deltas arrive after commit only and in commit order, support never gets an admin
// delta or an order id, and a delta says what dashboard_sync says for the same cursor.

interface Delta {
  epoch: string;
  from_cursor: number;
  cursor: number;
  feed: { id: number; kind: string; entity_type: string; entity_id: string }[];
  feed_complete: boolean;
  kpis: Record<string, unknown>;
  ticket_status: unknown[];
  ticket_aging: { active: Record<string, unknown>[]; done_30d: unknown } | null;
  revenue: { hour: string; revenue_cents: number; orders_count: number; items_sold: number }[] | null;
  sent_at: string;
}

interface Listener {
  channel: RealtimeChannel;
  deltas: Delta[];
  raw: string[];
  statuses: string[];
  system: SystemMessage[];
  error?: Error;
}

const ADMIN_TOPIC = 'dashboard:admin';
const SUPPORT_TOPIC = 'dashboard:support';

function listen(client: SupabaseClient, topic: string): Listener {
  const l: Listener = { channel: client.channel(topic, { config: { private: true } }), deltas: [], raw: [], statuses: [], system: [] };
  l.channel
    .on('broadcast', { event: 'delta' }, (m) => {
      l.raw.push(JSON.stringify(m));
      l.deltas.push(m.payload as Delta);
    })
    .on('system', {}, (p: SystemMessage) => l.system.push(p))
    .subscribe((status, err) => {
      l.statuses.push(status);
      if (err) l.error ??= err;
    });
  return l;
}

const subscribed = (l: Listener, what: string) => waitFor(() => l.statuses.includes('SUBSCRIBED'), what);
const refusedMessage = (topic: string) => `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;
const withoutClock = (aging: Delta['ticket_aging']) =>
  aging && { ...aging, active: aging.active.map(({ oldest_seconds: _s, ...rest }) => rest) };
/** A pg connection where a Queryable is expected (its result has the same rows). */
const asQueryable = (c: pg.Client): Queryable => ({
  query: async <R,>(sql: string, params?: unknown[]) => {
    const r = await c.query(sql, params);
    return { rows: r.rows as R[], fields: r.fields };
  },
});
const withoutAsOf = ({ as_of: _a, ...rest }: Record<string, unknown>) => rest;

describe('the dashboard delta on private Broadcast topics', () => {
  let h: Harness;
  let customer: string;
  let product: string;

  const ticket = (device: string, db: Queryable = h.db) =>
    db.query<{ id: string }>(`insert into public.tickets (customer_id, device, issue) values ($1, $2, 'Delta test') returning id`, [
      customer,
      device,
    ]);

  beforeAll(async () => {
    h = await startHarness();
    customer = await newCustomer(h.db, `Delta ${RUN}`);
    const { rows } = await h.db.query<{ id: string }>(
      `insert into public.products (sku, name, price_cents) values ($1, 'Delta cable', 1500) returning id`,
      [`DELTA-${RUN}`],
    );
    product = rows[0]!.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lets admin join dashboard:admin and support dashboard:support, and refuses the other way round with Supabase\'s message', async () => {
    const admin = await h.signIn(ADMIN);
    const support = await h.signIn(SUPPORT);
    const a = listen(admin, ADMIN_TOPIC);
    const s = listen(support, SUPPORT_TOPIC);
    await subscribed(a, 'the admin join');
    await subscribed(s, 'the support join');
    const noA = listen(await h.signIn(SUPPORT), ADMIN_TOPIC);
    const noS = listen(await h.signIn(ADMIN), SUPPORT_TOPIC);
    const anon = listen(await h.withToken(() => h.keys.anonKey), ADMIN_TOPIC);
    await waitFor(() => !!noA.error && !!noS.error && !!anon.error, 'the three refusals');
    expect(noA.error!.message).toContain(refusedMessage(ADMIN_TOPIC));
    expect(noS.error!.message).toContain(refusedMessage(SUPPORT_TOPIC));
    expect(anon.error!.message).toContain(refusedMessage(ADMIN_TOPIC));
  });

  it('drops a delta a client tries to forge, over the socket or the REST endpoint', async () => {
    const listener = listen(await h.signIn(ADMIN), ADMIN_TOPIC);
    await subscribed(listener, 'the listening admin');
    const forgerClient = await h.signIn(ADMIN);
    const forger = forgerClient.channel(ADMIN_TOPIC, { config: { private: true, broadcast: { ack: true } } });
    const joined = new Promise<void>((resolve) => forger.subscribe((s) => s === 'SUBSCRIBED' && resolve()));
    await joined;
    // As on Supabase, a broadcast the INSERT policies refuse is dropped without a reply.
    expect(await forger.send({ type: 'broadcast', event: 'delta', payload: { forged: 'socket' } }, { timeout: 1000 } as never)).toBe('timed out');
    const rest = await fetch(`${h.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: h.keys.anonKey, authorization: `Bearer ${await h.tokenFor(ADMIN)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: ADMIN_TOPIC, event: 'delta', payload: { forged: 'rest' }, private: true }] }),
    });
    expect(rest.status).toBe(202);
    await ticket(`After forgery ${RUN}`);
    await waitFor(() => listener.deltas.length >= 1, 'the real delta');
    await sleep(200);
    expect(listener.raw.join()).not.toContain('forged');
    expect(listener.deltas).toHaveLength(1);
  });

  it('closes an admin channel when the access token becomes a support user\'s', async () => {
    let token = await h.tokenFor(ADMIN);
    const client = await h.withToken(() => token);
    const l = listen(client, ADMIN_TOPIC);
    await subscribed(l, 'the admin join');
    token = await h.tokenFor(SUPPORT);
    await client.realtime.setAuth();
    await waitFor(() => l.statuses.includes('CLOSED'), 'the channel to close');
    expect(l.system).toContainEqual(
      expect.objectContaining({ status: 'error', extension: 'system', message: `You do not have permissions to read from this Channel topic: ${ADMIN_TOPIC}` }),
    );
    await ticket(`After revocation ${RUN}`);
    await sleep(300);
    expect(l.deltas).toEqual([]);
  });

  it('delivers each transaction\'s delta after its commit only, in commit order, chained, and nothing for a rollback', async () => {
    const admin = listen(await h.signIn(ADMIN), ADMIN_TOPIC);
    await subscribed(admin, 'the admin join');
    const url = process.env.DATABASE_URL;
    if (url) {
      // Two overlapping writers: the slow one inserts first, the fast one commits first.
      const [slow, fast, rolled] = [0, 1, 2].map(() => new pg.Client({ connectionString: url }));
      await Promise.all([slow!.connect(), fast!.connect(), rolled!.connect()]);
      try {
        await slow!.query('begin');
        const s = await ticket(`Slow ${RUN}`, asQueryable(slow!));
        await fast!.query('begin');
        const f = await ticket(`Fast ${RUN}`, asQueryable(fast!));
        await rolled!.query('begin');
        await ticket(`Rolled ${RUN}`, asQueryable(rolled!));
        await fast!.query('commit');
        await rolled!.query('rollback');
        await waitFor(() => admin.deltas.length === 1, 'the fast delta');
        await sleep(300);
        expect(admin.deltas).toHaveLength(1);
        await slow!.query('commit');
        await waitFor(() => admin.deltas.length === 2, 'the slow delta');
        expect(admin.deltas.map((d) => d.feed[0]?.entity_id)).toEqual([f.rows[0]!.id, s.rows[0]!.id]);
      } finally {
        await Promise.all([slow!.end(), fast!.end(), rolled!.end()]);
      }
    } else {
      // PGlite is one connection: transactions run one after another; nothing shows before COMMIT.
      await h.db.transaction(async (tx) => {
        await ticket(`First ${RUN}`, tx);
        await sleep(300);
        expect(admin.deltas).toHaveLength(0);
      });
      await h.db
        .transaction(async (tx) => {
          await ticket(`Rolled ${RUN}`, tx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await ticket(`Second ${RUN}`);
      await waitFor(() => admin.deltas.length === 2, 'two deltas');
      await sleep(200);
      expect(admin.deltas).toHaveLength(2);
    }
    const [first, second] = admin.deltas as [Delta, Delta];
    expect(second.from_cursor).toBe(first.cursor);
    expect(second.cursor).toBeGreaterThan(first.cursor);
    expect(admin.raw.join()).not.toContain(`Rolled ${RUN}`);
  });

  it('never gives support an admin delta, an order row or an order id', async () => {
    const admin = listen(await h.signIn(ADMIN), ADMIN_TOPIC);
    const support = listen(await h.signIn(SUPPORT), SUPPORT_TOPIC);
    await subscribed(admin, 'the admin join');
    await subscribed(support, 'the support join');
    // An order-only transaction, then one with an order and a ticket.
    const placeOrder = async (tx: Queryable) => {
      const { rows } = await tx.query<{ id: string; number: string }>(
        `insert into public.orders (customer_id, status) values ($1, 'paid') returning id, number::text`,
        [customer],
      );
      await tx.query(`insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values ($1, $2, 2, 1500)`, [
        rows[0]!.id,
        product,
      ]);
      return rows[0]!;
    };
    const only = await h.db.transaction(placeOrder);
    const mixed = await h.db.transaction(async (tx) => {
      const o = await placeOrder(tx);
      await ticket(`Mixed ${RUN}`, tx);
      return o;
    });
    await waitFor(() => admin.deltas.length === 2 && support.deltas.length === 1, 'two admin deltas and one support delta');
    await sleep(300);
    expect(support.deltas).toHaveLength(1);
    const text = support.raw.join();
    for (const o of [only, mixed]) expect(text).not.toContain(o.id);
    expect(support.deltas[0]!.feed.map((r) => r.entity_type)).toEqual(['ticket']);
    expect(support.deltas[0]!.revenue).toBeNull();
    expect(support.deltas[0]!.kpis.total_revenue_cents).toBeNull();
    expect(admin.deltas.map((d) => d.revenue?.[0]?.revenue_cents)).toEqual([3000, 3000]);
    expect(admin.deltas[0]!.feed.map((r) => r.entity_id)).toEqual([only.id]);
  });

  it('says what dashboard_sync says for the same cursor, for each role', async () => {
    const adminClient = await h.signIn(ADMIN);
    const supportClient = await h.signIn(SUPPORT);
    const admin = listen(adminClient, ADMIN_TOPIC);
    const support = listen(supportClient, SUPPORT_TOPIC);
    await subscribed(admin, 'the admin join');
    await subscribed(support, 'the support join');
    await h.db.transaction(async (tx) => {
      await ticket(`Sync A ${RUN}`, tx);
      await ticket(`Sync B ${RUN}`, tx);
      await tx.query(`update public.products set stock = stock + 1 where id = $1`, [product]);
    });
    await waitFor(() => admin.deltas.length === 1 && support.deltas.length === 1, 'one delta each');
    for (const [client, d] of [
      [adminClient, admin.deltas[0]!],
      [supportClient, support.deltas[0]!],
    ] as const) {
      const { data, error } = await client.rpc('dashboard_sync', { p_after: d.from_cursor, p_epoch: d.epoch });
      expect(error).toBeNull();
      const sync = data as Delta & { reset: boolean };
      expect(sync.reset).toBe(false);
      expect(d.cursor).toBe(sync.cursor);
      expect(d.feed).toEqual(sync.feed);
      expect(d.feed).toHaveLength(3);
      expect(withoutAsOf(d.kpis)).toEqual(withoutAsOf(sync.kpis));
      expect(d.ticket_status).toEqual(sync.ticket_status);
      expect(withoutClock(d.ticket_aging)).toEqual(withoutClock(sync.ticket_aging));
    }
  });
});
