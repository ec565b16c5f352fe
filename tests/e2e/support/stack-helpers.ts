import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Page } from 'playwright-core';
import ws from 'ws';
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../../local-supabase/auth/keys.ts';
import type { Stack } from '../../../local-supabase/stack.ts';

export function serviceClient(url: string): SupabaseClient {
  return createClient(url, SERVICE_ROLE_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no WebSocket; supabase-js wants one even when realtime is unused
    realtime: { transport: ws as never },
  });
}

export async function staffClient(url: string, email: string): Promise<SupabaseClient> {
  const client = createClient(url, ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no WebSocket; supabase-js wants one even when realtime is unused
    realtime: { transport: ws as never },
  });
  const { error } = await client.auth.signInWithPassword({ email, password: 'password123' });
  if (error) throw error;
  return client;
}

function must<T>(res: { data: T | null; error: unknown }): T {
  if (res.error) throw res.error;
  if (res.data === null) throw new Error('no data');
  return res.data;
}

/** A new repair ticket written with the service role, as an outside system would. */
export async function insertTicket(admin: SupabaseClient, device = 'E2E Phone'): Promise<{ id: string; number: number }> {
  const customer = must(await admin.from('customers').select('id').limit(1).single<{ id: string }>());
  return must(
    await admin
      .from('tickets')
      .insert({ customer_id: customer.id, device, issue: 'Screen cracked in an end-to-end test' })
      .select('id, number')
      .single<{ id: string; number: number }>(),
  );
}

/** A paid order with one line, written with the service role. */
export async function insertPaidOrder(admin: SupabaseClient): Promise<{ id: string }> {
  const customer = must(await admin.from('customers').select('id').limit(1).single<{ id: string }>());
  const product = must(await admin.from('products').select('id, price_cents').limit(1).single<{ id: string; price_cents: number }>());
  const order = must(await admin.from('orders').insert({ customer_id: customer.id }).select('id').single<{ id: string }>());
  must(
    await admin
      .from('order_items')
      .insert({ order_id: order.id, product_id: product.id, quantity: 2, unit_price_cents: product.price_cents })
      .select('id'),
  );
  must(await admin.from('orders').update({ status: 'paid' }).eq('id', order.id).select('id'));
  return order;
}

/** The activity_log id written for an entity (read directly from the stack's database). */
export async function activityIdFor(stack: Stack, entityId: string): Promise<number> {
  const { rows } = await stack.db.query<{ id: string | number }>(
    'select id from public.activity_log where entity_id = $1 order by id desc limit 1',
    [entityId],
  );
  if (!rows[0]) throw new Error(`no activity for ${entityId}`);
  return Number(rows[0].id);
}

export async function newestActivityIds(stack: Stack, limit: number): Promise<number[]> {
  const { rows } = await stack.db.query<{ id: string | number }>(
    'select id from public.activity_log order by id desc limit $1',
    [limit],
  );
  return rows.map((r) => Number(r.id));
}

export async function kpiValue(page: Page, id: string): Promise<number> {
  const v = await page.getAttribute(`[data-testid="kpi-${id}"]`, 'data-value');
  if (v === null) throw new Error(`kpi-${id} has no data-value`);
  return Number(v);
}

export async function waitForKpi(page: Page, id: string, value: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    ([sel, v]) => document.querySelector(sel)?.getAttribute('data-value') === v,
    [`[data-testid="kpi-${id}"]`, String(value)] as const,
    { timeout },
  );
}

export async function waitForState(page: Page, states: string[], timeout = 60_000): Promise<string> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const s = document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-state');
      return s && wanted.includes(s) ? s : null;
    },
    states,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as string;
}

export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', 'password123');
  await page.click('button[type="submit"]');
  await page.waitForSelector('[data-testid="kpi-active-repairs"]', { timeout: 30_000 });
}

export async function feedIds(page: Page): Promise<number[]> {
  return page.$$eval('[data-testid="activity-item"]', (els) => els.map((el) => Number(el.getAttribute('data-activity-id'))));
}
