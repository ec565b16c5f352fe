// activity_feed's search and filters and entity_detail through the real supabase-js and the
// stack's PostgREST, on PGlite and (DATABASE_URL) on PostgreSQL 15. Writes go through the service
// role, so every activity row comes from the real triggers at commit. A token unique to the run
// keeps the matches to this file's rows when the database outlives the test.
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local-supabase/stack.ts';
import { ADMIN, client, serviceClient, signedIn, startTestStack, SUPPORT } from './stack-setup.ts';

interface FeedRow {
  id: number;
  kind: string;
  entity_type: string;
  entity_id: string;
  occurred_at: string;
  summary: Record<string, unknown>;
}
interface Detail {
  entity: Record<string, unknown> | null;
  history: FeedRow[];
  history_complete: boolean;
  deleted: boolean;
}

const token = `zq${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
let stack: Stack;
let service: SupabaseClient;
let admin: SupabaseClient;
let support: SupabaseClient;
const ids = { customer: '', product: '', ticket: '', order: '' };
let ticketNumber = 0;
let orderNumber = 0;

async function one<T>(p: PromiseLike<{ data: T | null; error: unknown }>): Promise<T> {
  const { data, error } = await p;
  if (error) throw new Error(JSON.stringify(error));
  return data as T;
}

async function feed(sb: SupabaseClient, args: Record<string, unknown>): Promise<FeedRow[]> {
  return one<FeedRow[]>(sb.rpc('activity_feed', { p_limit: 100, ...args }));
}

beforeAll(async () => {
  stack = await startTestStack();
  service = serviceClient(stack);
  admin = await signedIn(stack, ADMIN);
  support = await signedIn(stack, SUPPORT);

  const customer = await one<{ id: string }>(
    service.from('customers').insert({ full_name: `Quinta ${token}`, email: `${token}@example.com` }).select('id').single(),
  );
  ids.customer = customer.id;
  const product = await one<{ id: string }>(
    service.from('products').insert({ sku: token.toUpperCase(), name: `Gadget ${token}`, price_cents: 1250, stock: 9 }).select('id').single(),
  );
  ids.product = product.id;
  const ticket = await one<{ id: string; number: number }>(
    service
      .from('tickets')
      .insert({ customer_id: ids.customer, device: 'iPhone 13', issue: `Cracked screen ${token}`, priority: 'urgent' })
      .select('id, number')
      .single(),
  );
  ids.ticket = ticket.id;
  ticketNumber = ticket.number;
  const order = await one<{ id: string; number: number }>(
    service.from('orders').insert({ customer_id: ids.customer, status: 'paid' }).select('id, number').single(),
  );
  ids.order = order.id;
  orderNumber = order.number;
  await one(service.from('order_items').insert({ order_id: ids.order, product_id: ids.product, quantity: 2, unit_price_cents: 1250 }));
});

afterAll(async () => {
  if (!stack) return;
  if (ids.order) await service.from('orders').delete().eq('id', ids.order);
  if (ids.ticket) await service.from('tickets').delete().eq('id', ids.ticket);
  if (ids.customer) await service.from('customers').delete().eq('id', ids.customer);
  if (ids.product) await service.from('products').delete().eq('id', ids.product);
  await stack.close();
});

describe('activity_feed search through supabase-js', () => {
  it('admin: a name finds the customer, the ticket, the order and nothing else', async () => {
    const rows = await feed(admin, { p_query: `quinta ${token.toUpperCase()}` });
    expect(rows.map((r) => `${r.kind}:${r.entity_id}`).sort()).toEqual(
      [`customer_registered:${ids.customer}`, `order_placed:${ids.order}`, `ticket_created:${ids.ticket}`].sort(),
    );
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => b - a));
  });

  it('support: the same search without the order, and an order number finds nothing', async () => {
    const rows = await feed(support, { p_query: `Quinta ${token}` });
    expect(rows.map((r) => r.entity_type).sort()).toEqual(['customer', 'ticket']);
    // No order row; a ticket may share the number when the database outlives many runs (ticket
    // numbers start at 1000, order numbers at 5000), and the contract matches both.
    const byOrderNumber = await feed(support, { p_query: `#${orderNumber}` });
    expect(byOrderNumber.filter((r) => r.entity_type === 'order')).toEqual([]);
    expect(byOrderNumber.every((r) => r.summary.ticket_number === orderNumber)).toBe(true);
    expect(await feed(support, { p_query: token, p_types: ['order'] })).toEqual([]);
  });

  it('numbers, SKUs, issues, types and ticket filters', async () => {
    const byNumber = await feed(admin, { p_query: `#${ticketNumber}` });
    expect(byNumber.map((r) => r.entity_id)).toContain(ids.ticket);
    expect(byNumber.every((r) => r.summary.ticket_number === ticketNumber || r.summary.order_number === ticketNumber)).toBe(true);
    expect((await feed(admin, { p_query: String(orderNumber) })).map((r) => r.entity_id)).toContain(ids.order);
    expect((await feed(admin, { p_query: token.toUpperCase(), p_types: ['product'] })).map((r) => r.kind)).toEqual(['product_created']);
    expect((await feed(admin, { p_query: `cracked ${token}` })).map((r) => r.kind)).toEqual(['ticket_created']);
    const urgent = await feed(support, { p_query: token, p_ticket_priority: ['urgent'], p_ticket_status: ['open'] });
    expect(urgent.map((r) => r.entity_id)).toEqual([ids.ticket]);
    expect(await feed(support, { p_query: token, p_ticket_status: ['closed'] })).toEqual([]);
  });

  it('a new match written through the service role appears after the cursor', async () => {
    const [newest] = await feed(admin, { p_limit: 1 });
    const cursor = newest?.id ?? 0;
    await one(service.from('tickets').update({ status: 'ready' }).eq('id', ids.ticket));
    const after = await feed(admin, { p_after: cursor, p_query: token });
    expect(after.map((r) => r.kind)).toEqual(['ticket_status_changed']);
    const ready = await feed(support, { p_after: cursor, p_query: token, p_ticket_status: ['ready'] });
    expect(ready.map((r) => r.entity_id)).toEqual([ids.ticket]);
  });

  it('bad filters come back as 400 with 22023', async () => {
    for (const args of [{ p_types: ['tickets'] }, { p_ticket_status: ['lost'] }, { p_ticket_priority: ['asap'] }, { p_query: 'x'.repeat(201) }]) {
      const { data, error, status } = await admin.rpc('activity_feed', args);
      expect(data).toBeNull();
      expect(status).toBe(400);
      expect(error?.code).toBe('22023');
    }
  });

  it('anon is refused', async () => {
    const { error } = await client(stack).rpc('activity_feed', { p_query: token });
    expect(error?.code).toBe('42501');
  });
});

describe('entity_detail through supabase-js', () => {
  it('admin: a ticket with its history equal to the log', async () => {
    const detail = await one<Detail>(admin.rpc('entity_detail', { p_type: 'ticket', p_id: ids.ticket }));
    expect(detail.entity).toMatchObject({
      id: ids.ticket,
      number: ticketNumber,
      customer_id: ids.customer,
      customer_name: `Quinta ${token}`,
      device: 'iPhone 13',
      priority: 'urgent',
      closed_at: null,
    });
    expect(detail.deleted).toBe(false);
    expect(detail.history_complete).toBe(true);
    const fromFeed = (await feed(admin, { p_query: `#${ticketNumber}`, p_types: ['ticket'] })).filter((r) => r.entity_id === ids.ticket);
    expect(detail.history).toEqual(fromFeed);
  });

  it('admin: an order with its items; support: 403 and 42501', async () => {
    const detail = await one<Detail>(admin.rpc('entity_detail', { p_type: 'order', p_id: ids.order }));
    expect(detail.entity).toMatchObject({ number: orderNumber, status: 'paid', total_cents: 2500, item_count: 2 });
    expect(detail.entity?.items).toEqual([
      { product_id: ids.product, name: `Gadget ${token}`, sku: token.toUpperCase(), quantity: 2, unit_price_cents: 1250 },
    ]);
    const refused = await support.rpc('entity_detail', { p_type: 'order', p_id: ids.order });
    expect(refused.data).toBeNull();
    expect(refused.status).toBe(403);
    expect(refused.error?.code).toBe('42501');
  });

  it('support: customer and product records', async () => {
    const customer = await one<Detail>(support.rpc('entity_detail', { p_type: 'customer', p_id: ids.customer }));
    expect(customer.entity).toEqual({ id: ids.customer, full_name: `Quinta ${token}`, email: `${token}@example.com`, phone: null, open_tickets: 1 });
    const product = await one<Detail>(support.rpc('entity_detail', { p_type: 'product', p_id: ids.product }));
    expect(product.entity).toEqual({ id: ids.product, name: `Gadget ${token}`, sku: token.toUpperCase(), price_cents: 1250, stock: 9 });
  });

  it('a bad type is 400 with 22023; an unknown id is an empty answer', async () => {
    const bad = await admin.rpc('entity_detail', { p_type: 'tickets', p_id: ids.ticket });
    expect(bad.status).toBe(400);
    expect(bad.error?.code).toBe('22023');
    const unknown = await one<Detail>(support.rpc('entity_detail', { p_type: 'ticket', p_id: '00000000-0000-4000-8000-00000000abcd' }));
    expect(unknown).toEqual({ entity: null, history: [], history_complete: true, deleted: false });
  });

  it('a deleted ticket shows its last known state', async () => {
    const extra = await one<{ id: string; number: number }>(
      service.from('tickets').insert({ customer_id: ids.customer, device: 'Pixel 8', issue: `Gone ${token}` }).select('id, number').single(),
    );
    await one(service.from('tickets').update({ status: 'closed' }).eq('id', extra.id));
    await one(service.from('tickets').delete().eq('id', extra.id));
    const detail = await one<Detail>(support.rpc('entity_detail', { p_type: 'ticket', p_id: extra.id }));
    expect(detail.deleted).toBe(true);
    expect(detail.entity).toMatchObject({ id: extra.id, number: extra.number, device: 'Pixel 8', issue: `Gone ${token}`, status: 'closed', customer_id: null });
    expect(typeof detail.entity?.closed_at).toBe('string');
    expect(detail.history.map((h) => h.kind)).toEqual(['ticket_deleted', 'ticket_status_changed', 'ticket_created']);
  });
});
