import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { ADMIN, newCustomer, RUN, startHarness, SUPPORT, waitFor, watch, type Harness } from './realtime-harness.ts';

/** The client's live WebSocket (realtime-js → phoenix Socket → ws). */
function socketOf(client: SupabaseClient): WebSocket {
  return (client.realtime as unknown as { socketAdapter: { socket: { conn: WebSocket } } }).socketAdapter.socket.conn;
}

describe('realtime under load and failure', () => {
  let h: Harness;
  let admin: SupabaseClient;
  let support: SupabaseClient;

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.signIn(ADMIN);
    support = await h.signIn(SUPPORT);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('delivers a 1,000-row statement complete and in order to every role', async () => {
    const a = watch(admin, 'burst-a', [{ event: 'INSERT', table: 'customers' }]);
    const s = watch(support, 'burst-s', [{ event: 'INSERT', table: 'customers' }]);
    await Promise.all([a.live(), s.live()]);
    await h.db.query(
      `insert into customers (full_name, email)
       select 'Burst ' || lpad(i::text, 4, '0'), 'burst' || i || '-' || $1 || '@test.example'
         from generate_series(1, 1000) i`,
      [RUN.toLowerCase()],
    );
    await waitFor(() => a.events.length >= 1000 && s.events.length >= 1000, '1,000 events each', 60_000);
    const expected = Array.from({ length: 1000 }, (_, i) => `Burst ${String(i + 1).padStart(4, '0')}`);
    expect(a.events.map((e) => e.new.full_name)).toEqual(expected);
    expect(s.events.map((e) => e.new.full_name)).toEqual(expected);
  });

  it('delivers 1,000 separate transactions in commit order', async () => {
    const product = (
      await h.db.query<{ id: string }>(
        `insert into products (sku, name, price_cents, stock) values ($1, 'Counter', 100, 0) returning id`,
        [`RT-${RUN}-B`],
      )
    ).rows[0]!.id;
    const a = watch(admin, 'burst-tx', [{ event: 'UPDATE', table: 'products', filter: `id=eq.${product}` }]);
    await a.live();
    // Concurrent single-row transactions; each commit sees the previous one's stock.
    await Promise.all(
      Array.from({ length: 1000 }, () => h.db.query('update products set stock = stock + 1 where id = $1', [product])),
    );
    await waitFor(() => a.events.length >= 1000, '1,000 updates', 60_000);
    expect(a.events.map((e) => e.new.stock)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('recovers when the socket is killed mid-stream', async () => {
    const a = watch(admin, 'killed', [{ event: 'INSERT', table: 'tickets' }]);
    await a.live();
    const customer = await newCustomer(h.db);
    const insertTicket = (n: number) =>
      h.db.query(`insert into tickets (customer_id, device, issue) values ($1, $2, 'Stream')`, [customer, `Device ${n}`]);
    for (let i = 0; i < 20; i++) await insertTicket(i);
    await waitFor(() => a.events.length >= 20, 'the first 20 tickets');
    socketOf(admin).terminate();
    for (let i = 20; i < 40; i++) await insertTicket(i);
    // The client reconnects by itself, rejoins, and the server subscribes it again.
    await a.live(2);
    await insertTicket(1000);
    await waitFor(() => a.events.some((e) => e.new.device === 'Device 1000'), 'a ticket after reconnecting');
    const devices = a.events.map((e) => Number(String(e.new.device).slice(7)));
    expect(new Set(devices).size).toBe(devices.length);
    expect([...devices].sort((x, y) => x - y)).toEqual(devices);
    expect(devices.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('reconnects on its own after the stack restarts', async () => {
    const a = watch(admin, 'restart', [{ event: 'INSERT', table: 'customers' }]);
    await a.live();
    const before = a.system.length;
    await h.restart();
    await waitFor(
      () => a.system.filter((m) => m.message === 'Subscribed to PostgreSQL').length > before,
      'Subscribed after the restart',
      40_000,
    );
    const id = await newCustomer(h.db, 'After restart');
    await waitFor(() => a.events.some((e) => e.new.id === id), 'a change after the restart');
    expect(a.statuses.filter((st) => st === 'SUBSCRIBED').length).toBeGreaterThanOrEqual(2);
  });
});
