import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Stack } from '../../local-supabase/stack.ts';
import { ADMIN, serviceClient, signedIn, startTestStack, SUPPORT } from './stack-setup.ts';

// Resource embedding on the app's own tables, with data written through the service role.
// RLS must apply to embedded rows exactly as to top-level ones: support reads no orders.

let stack: Stack;
let service: SupabaseClient;
let admin: SupabaseClient;
let support: SupabaseClient;
const tag = `emb${Date.now().toString(36)}`;
let customerId = '';
let otherId = '';
let productId = '';

beforeAll(async () => {
  stack = await startTestStack();
  service = serviceClient(stack);
  const customers = await service
    .from('customers')
    .insert([
      { full_name: `Jane ${tag}`, email: `jane.${tag}@example.com` },
      { full_name: `Omar ${tag}`, email: `omar.${tag}@example.com` },
    ])
    .select('id, full_name')
    .order('full_name');
  if (customers.error) throw new Error(customers.error.message);
  [customerId, otherId] = (customers.data as { id: string }[]).map((c) => c.id) as [string, string];
  const tickets = await service.from('tickets').insert(
    ['phone', 'tablet', 'laptop'].map((device, i) => ({ customer_id: customerId, device: `${device} ${tag}`, issue: 'broken', priority: i === 0 ? 'high' : 'low' })),
  );
  if (tickets.error) throw new Error(tickets.error.message);
  const product = await service.from('products').insert({ sku: `EMB-${tag.toUpperCase()}`, name: `Part ${tag}`, price_cents: 500 }).select('id').single();
  productId = (product.data as { id: string }).id;
  const order = await service.from('orders').insert({ customer_id: customerId }).select('id').single();
  await service.from('order_items').insert({ order_id: (order.data as { id: string }).id, product_id: productId, quantity: 2, unit_price_cents: 500 });
  admin = await signedIn(stack, ADMIN);
  support = await signedIn(stack, SUPPORT);
});

afterAll(async () => {
  if (!stack) return;
  await service.from('orders').delete().eq('customer_id', customerId);
  await service.from('tickets').delete().in('customer_id', [customerId, otherId]);
  await service.from('products').delete().eq('id', productId);
  await service.from('customers').delete().in('id', [customerId, otherId]);
  await stack.close();
});

describe('rest embedding: many-to-one and one-to-many', () => {
  it('embeds the customer of each ticket, aliased, and the tickets of a customer', async () => {
    const { data, error } = await support.from('tickets').select('device, customer:customers(full_name)').eq('customer_id', customerId).order('device');
    expect(error).toBeNull();
    expect(data).toEqual(['laptop', 'phone', 'tablet'].map((d) => ({ device: `${d} ${tag}`, customer: { full_name: `Jane ${tag}` } })));
    const one = await support.from('customers').select('full_name, tickets(device)').eq('id', customerId).single();
    expect((one.data as { tickets: unknown[] }).tickets).toHaveLength(3);
    const none = await support.from('customers').select('full_name, tickets(device)').eq('id', otherId).single();
    expect(none.data).toEqual({ full_name: `Omar ${tag}`, tickets: [] });
  });

  it('filters, orders, limits and offsets embedded resources', async () => {
    const { data } = await support
      .from('customers')
      .select('full_name, tickets(device, priority)')
      .eq('id', customerId)
      .order('device', { referencedTable: 'tickets', ascending: false })
      .limit(2, { referencedTable: 'tickets' })
      .single();
    expect((data as { tickets: { device: string }[] }).tickets.map((t) => t.device)).toEqual([`tablet ${tag}`, `phone ${tag}`]);
    const offset = await support.from('customers').select('tickets(device)').eq('id', customerId).order('device', { referencedTable: 'tickets' }).range(1, 1, { referencedTable: 'tickets' }).single();
    expect(offset.data).toEqual({ tickets: [{ device: `phone ${tag}` }] });
    const filtered = await support.from('customers').select('full_name, tickets(device)').eq('id', customerId).eq('tickets.priority', 'high').single();
    expect(filtered.data).toEqual({ full_name: `Jane ${tag}`, tickets: [{ device: `phone ${tag}` }] });
    const or = await support.from('customers').select('tickets(device)').eq('id', customerId).or('device.like.phone*,device.like.laptop*', { referencedTable: 'tickets' }).order('device', { referencedTable: 'tickets' }).single();
    expect(or.data).toEqual({ tickets: [{ device: `laptop ${tag}` }, { device: `phone ${tag}` }] });
  });

  it('!inner drops parents without a match; !left and plain embeds keep them', async () => {
    const inner = await support.from('tickets').select('device, customers!inner(full_name)').ilike('customers.full_name', `*jane ${tag}*`);
    expect(inner.data).toHaveLength(3);
    const left = await support.from('tickets').select('device, customers!left(full_name)').ilike('customers.full_name', `*jane ${tag}*`).eq('customer_id', otherId);
    expect(left.data).toEqual([]);
    const kept = await support.from('tickets').select('device, customers(full_name)').eq('customer_id', customerId).eq('customers.full_name', 'nobody').limit(1);
    expect(kept.data).toEqual([{ device: expect.any(String), customers: null }]);
    const withTickets = await support.from('customers').select('full_name, tickets!inner(device)').in('id', [customerId, otherId]);
    expect((withTickets.data as { full_name: string }[]).map((c) => c.full_name)).toEqual([`Jane ${tag}`]);
    const nullFilter = await support.from('tickets').select('device, customers(full_name)').eq('customer_id', customerId).eq('customers.full_name', 'nobody').not('customers', 'is', null);
    expect(nullFilter.data).toEqual([]);
  });

  it('disambiguates by constraint name and by column', async () => {
    const byFk = await support.from('tickets').select('device, customers!tickets_customer_id_fkey(full_name)').eq('customer_id', customerId).limit(1).single();
    expect(byFk.data).toMatchObject({ customers: { full_name: `Jane ${tag}` } });
    const byColumn = await support.from('tickets').select('device, customer_id(full_name)').eq('customer_id', customerId).limit(1).single();
    expect(byColumn.data).toMatchObject({ customer_id: { full_name: `Jane ${tag}` } });
    const byHintColumn = await support.from('tickets').select('device, customers!customer_id(full_name)').eq('customer_id', customerId).limit(1).single();
    expect(byHintColumn.data).toMatchObject({ customers: { full_name: `Jane ${tag}` } });
  });

  it('spreads to-one embeddings into their parent, to-many ones as arrays, and orders by a to-one column', async () => {
    const spread = await support.from('tickets').select('device, ...customers(full_name)').eq('customer_id', customerId).order('device').limit(1).single();
    expect(spread.data).toEqual({ device: `laptop ${tag}`, full_name: `Jane ${tag}` });
    const toMany = await support.from('customers').select('full_name, ...tickets(device, priority)').eq('id', customerId).order('device', { referencedTable: 'tickets' }).single();
    expect(toMany.data).toEqual({ full_name: `Jane ${tag}`, device: ['laptop', 'phone', 'tablet'].map((d) => `${d} ${tag}`), priority: ['low', 'high', 'low'] });
    const ordered = await fetch(`${stack.url}/rest/v1/tickets?select=device,customers(full_name)&customer_id=in.(${customerId},${otherId})&order=customers(full_name).desc,device&limit=1`, {
      headers: { apikey: (support as unknown as { supabaseKey: string }).supabaseKey, Authorization: `Bearer ${(await support.auth.getSession()).data.session?.access_token}` },
    });
    expect(await ordered.json()).toEqual([{ device: `laptop ${tag}`, customers: { full_name: `Jane ${tag}` } }]);
  });
});

describe('rest embedding: RLS applies to embedded rows', () => {
  it('admin sees the orders and items under a customer; support sees none', async () => {
    const select = 'full_name, orders(status, order_items(quantity, products(name)))';
    const asAdmin = await admin.from('customers').select(select).eq('id', customerId).single();
    expect(asAdmin.data).toEqual({ full_name: `Jane ${tag}`, orders: [{ status: 'pending', order_items: [{ quantity: 2, products: { name: `Part ${tag}` } }] }] });
    const asSupport = await support.from('customers').select(select).eq('id', customerId).single();
    expect(asSupport.data).toEqual({ full_name: `Jane ${tag}`, orders: [] });
    const inner = await support.from('customers').select('full_name, orders!inner(status)').eq('id', customerId);
    expect(inner.data).toEqual([]);
  });

  it('support embedding from an order item gets no rows at all; admin gets the order', async () => {
    expect((await support.from('order_items').select('quantity, orders(status)').eq('product_id', productId)).data).toEqual([]);
    expect((await admin.from('order_items').select('quantity, orders(status)').eq('product_id', productId)).data).toEqual([{ quantity: 2, orders: { status: 'pending' } }]);
  });
});

describe('rest embedding: errors', () => {
  it('PGRST200 for a missing relationship, with PostgREST details and hint', async () => {
    const { error, status } = await support.from('tickets').select('*, customer(full_name)');
    expect(status).toBe(400);
    expect(error).toEqual({
      code: 'PGRST200',
      details: "Searched for a foreign key relationship between 'tickets' and 'customer' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'customers' instead of 'customer'.",
      message: "Could not find a relationship between 'tickets' and 'customer' in the schema cache",
    });
    const sleep = await support.from('tickets').select('*, pg_sleep(5)');
    expect(sleep.status).toBe(400);
    expect(sleep.error?.code).toBe('PGRST200');
  });

  it('PGRST108 for filters on a resource that is not embedded', async () => {
    const { error, status } = await support.from('customers').select('full_name').eq('tickets.status', 'open');
    expect(status).toBe(400);
    expect(error).toEqual({ code: 'PGRST108', details: null, hint: "Verify that 'tickets' is included in the 'select' query parameter.", message: "'tickets' is not an embedded resource in this request" });
  });

  it('answers an embedding of a function result and of a write', async () => {
    const written = await service.from('tickets').insert({ customer_id: otherId, device: `watch ${tag}`, issue: 'strap' }).select('device, customers(full_name)').single();
    expect(written.status).toBe(201);
    expect(written.data).toEqual({ device: `watch ${tag}`, customers: { full_name: `Omar ${tag}` } });
    const updated = await service.from('tickets').update({ issue: 'screen' }).eq('device', `watch ${tag}`).select('issue, customer:customers(email)');
    expect(updated.data).toEqual([{ issue: 'screen', customer: { email: `omar.${tag}@example.com` } }]);
  });
});
