import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { SERVICE_ROLE_KEY } from '../../local-supabase/auth/keys.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { client, serviceClient, startTestStack } from './stack-setup.ts';

// Writes as PostgREST answers them: upsert semantics and status, counts in Content-Range,
// missing=default and columns=; and RPC exposure, whole-body parameters and overloads.
const FIXTURES = `
drop table if exists public.rest_counters;
create table public.rest_counters (key text primary key, hits int not null default 0, note text default 'new');
grant all on public.rest_counters to service_role;
drop table if exists public.rest_referrals;
create table public.rest_referrals (id int primary key, customer_id uuid references public.customers, referred_by uuid references public.customers);
grant all on public.rest_referrals to service_role;
drop table if exists public.rest_product_tags, public.rest_tags;
create table public.rest_tags (id int primary key, name text not null);
create table public.rest_product_tags (product_id uuid references public.products, tag_id int references public.rest_tags, primary key (product_id, tag_id));
grant all on public.rest_tags, public.rest_product_tags to service_role;
create or replace function public.rest_t_unnamed_int(int) returns int language sql as $$ select $1 $$;
create or replace function public.rest_t_json(json) returns json language sql as $$ select $1 $$;
create or replace function public.rest_t_text(text) returns text language sql as $$ select upper($1) $$;
create or replace function public.rest_t_over(a int) returns text language sql as $$ select 'int' $$;
create or replace function public.rest_t_over(a text) returns text language sql as $$ select 'text' $$;
create or replace function public.rest_t_over(a int, b int) returns text language sql as $$ select 'two' $$;
create or replace function public.rest_t_named(p_x int, p_y int default 0) returns int language sql as $$ select p_x + p_y $$;
create or replace function public.rest_t_customers(p_like text) returns setof public.customers language sql stable as
  $$ select * from public.customers where full_name like p_like order by full_name $$;
grant execute on all functions in schema public to service_role;`;
const DROP = `
drop table if exists public.rest_counters;
drop table if exists public.rest_referrals;
drop table if exists public.rest_product_tags, public.rest_tags;
drop function if exists public.rest_t_unnamed_int(int), public.rest_t_json(json), public.rest_t_text(text), public.rest_t_over(int),
  public.rest_t_over(text), public.rest_t_over(int, int), public.rest_t_named(int, int), public.rest_t_customers(text);`;

let stack: Stack;
let sb: SupabaseClient;
const tag = `w${Date.now().toString(36)}`;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.db.exec(FIXTURES);
  await stack.reloadSchema();
  sb = serviceClient(stack);
});
afterAll(async () => {
  if (!stack) return;
  await sb.from('tickets').delete().like('device', `%${tag}`);
  await sb.from('customers').delete().like('email', `%${tag}@example.com`);
  await stack.db.exec(DROP);
  await stack.close();
});

function rest(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.url}/rest/v1${path}`, {
    ...init,
    headers: { apikey: SERVICE_ROLE_KEY, Authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'Content-Type': 'application/json', ...init.headers },
  });
}

describe('rest upsert', () => {
  it('with only the conflict columns, merge-duplicates updates and returns the row (200), and inserts new ones (201)', async () => {
    const first = await sb.from('rest_counters').upsert({ key: `a${tag}` }).select();
    expect(first.status).toBe(201);
    expect(first.data).toEqual([{ key: `a${tag}`, hits: 0, note: 'new' }]);
    await sb.from('rest_counters').update({ hits: 3 }).eq('key', `a${tag}`);
    const again = await sb.from('rest_counters').upsert({ key: `a${tag}` }).select();
    expect(again.status).toBe(200);
    expect(again.data).toEqual([{ key: `a${tag}`, hits: 3, note: 'new' }]);
    const mixed = await sb.from('rest_counters').upsert([{ key: `a${tag}`, hits: 9 }, { key: `b${tag}`, hits: 1 }]).select('key, hits').order('key');
    expect(mixed.status).toBe(201);
    expect(mixed.data).toEqual([{ key: `a${tag}`, hits: 9 }, { key: `b${tag}`, hits: 1 }]);
    const minimal = await sb.from('rest_counters').upsert({ key: `b${tag}`, hits: 2 });
    expect(minimal.status).toBe(200);
  });

  it('ignore-duplicates leaves existing rows and returns only the inserted ones; on_conflict picks the key', async () => {
    const ignored = await sb.from('rest_counters').upsert([{ key: `a${tag}`, hits: 100 }, { key: `c${tag}`, hits: 5 }], { ignoreDuplicates: true }).select('key, hits');
    expect(ignored.status).toBe(201);
    expect(ignored.data).toEqual([{ key: `c${tag}`, hits: 5 }]);
    expect((await sb.from('rest_counters').select('hits').eq('key', `a${tag}`).single()).data).toEqual({ hits: 9 });
    const email = `sam.${tag}@example.com`;
    await sb.from('customers').insert({ full_name: 'Sam', email });
    const byEmail = await sb.from('customers').upsert({ full_name: `Sam ${tag}`, email }, { onConflict: 'email' }).select('full_name');
    expect(byEmail.status).toBe(200);
    expect(byEmail.data).toEqual([{ full_name: `Sam ${tag}` }]);
  });
});

describe('rest counts on writes', () => {
  it('count=exact puts the total in Content-Range for insert (*/N), update (0-(N-1)/N) and delete (*/N)', async () => {
    const ins = await sb.from('rest_counters').insert([{ key: `x1${tag}` }, { key: `x2${tag}` }], { count: 'exact' });
    expect(ins.status).toBe(201);
    expect(ins.count).toBe(2);
    const raw = await rest(`/rest_counters?key=like.x*${tag}`, { method: 'PATCH', body: '{"hits":1}', headers: { Prefer: 'count=exact' } });
    expect(raw.status).toBe(204);
    expect(raw.headers.get('content-range')).toBe('0-1/2');
    const upd = await sb.from('rest_counters').update({ hits: 2 }, { count: 'exact' }).like('key', `x%${tag}`);
    expect(upd.count).toBe(2);
    const none = await rest(`/rest_counters?key=eq.nothing`, { method: 'PATCH', body: '{"hits":1}', headers: { Prefer: 'count=exact' } });
    expect(none.headers.get('content-range')).toBe('*/0');
    const del = await sb.from('rest_counters').delete({ count: 'exact' }).like('key', `x%${tag}`);
    expect(del.status).toBe(204);
    expect(del.count).toBe(2);
  });

  it('estimated counts like exact on writes; planned gives no total (Content-Range */*), as PostgREST', async () => {
    const est = await sb.from('rest_counters').insert({ key: `e${tag}` }, { count: 'estimated' });
    expect(est.count).toBe(1);
    const planned = await rest(`/rest_counters?key=eq.e${tag}`, { method: 'DELETE', headers: { Prefer: 'count=planned' } });
    expect(planned.headers.get('content-range')).toBe('*/*');
    const minimal = await rest('/rest_counters', { method: 'POST', body: `{"key":"m${tag}"}` });
    expect(minimal.headers.get('content-range')).toBe('*/*');
  });

  it('planned and estimated counts on reads are numbers, exact under max_rows', async () => {
    const planned = await sb.from('products').select('id', { count: 'planned', head: true });
    expect(Number.isInteger(planned.count)).toBe(true);
    const exact = await sb.from('products').select('id', { count: 'exact', head: true });
    const estimated = await sb.from('products').select('id', { count: 'estimated', head: true });
    expect(estimated.count).toBe(exact.count);
  });
});

describe('rest inserts: missing=default and columns=', () => {
  it('a bulk insert where some rows leave out the identity column gets its default with defaultToNull: false', async () => {
    const { data: c } = await sb.from('customers').insert({ full_name: `Kim ${tag}`, email: `kim.${tag}@example.com` }).select('id').single();
    const customerId = (c as { id: string }).id;
    const rows = [
      { customer_id: customerId, device: `a ${tag}`, issue: 'x' },
      { customer_id: customerId, device: `b ${tag}`, issue: 'x', number: 987654 + Math.floor(Math.random() * 1000) },
    ];
    const withNulls = await sb.from('tickets').insert(rows).select('number');
    expect(withNulls.status).toBe(400);
    expect(withNulls.error?.code).toBe('23502');
    const defaults = await sb.from('tickets').insert(rows, { defaultToNull: false }).select('device, number, status').order('device');
    expect(defaults.status).toBe(201);
    const [a, b] = defaults.data as { number: number; status: string }[];
    expect(a?.number).toEqual(expect.any(Number));
    expect(a?.status).toBe('open');
    expect(b?.number).toBe(rows[1]?.number);
  });

  it('columns= writes only the listed keys; an unknown column is PGRST204', async () => {
    const res = await rest('/rest_counters?columns=key&select=key,hits,note', { method: 'POST', body: JSON.stringify([{ key: `k${tag}`, hits: 50, note: 'dropped' }]), headers: { Prefer: 'return=representation' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual([{ key: `k${tag}`, hits: 0, note: 'new' }]);
    const unknown = await sb.from('rest_counters').insert({ key: 'z', nope: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.error).toEqual({ code: 'PGRST204', details: null, hint: null, message: "Could not find the 'nope' column of 'rest_counters' in the schema cache" });
    const mismatch = await rest('/rest_counters', { method: 'POST', body: '[{"key":"p"},{"hits":1}]' });
    expect(await mismatch.json()).toMatchObject({ code: 'PGRST102', message: 'All object keys must match' });
  });

  it('a .single() write that touches more than one row is refused and rolled back', async () => {
    const res = await sb.from('rest_counters').update({ hits: 77 }).like('key', `%${tag}`).select().single();
    expect(res.status).toBe(406);
    expect(res.error?.code).toBe('PGRST116');
    expect((await sb.from('rest_counters').select('key').eq('hits', 77)).data).toEqual([]);
  });
});

describe('rest rpc', () => {
  it('does not expose functions with an unnamed non-JSON parameter', async () => {
    const { status, error } = await sb.rpc('rest_t_unnamed_int', { '': 1 });
    expect(status).toBe(404);
    expect(error?.code).toBe('PGRST202');
  });

  it('gives the whole body to a single unnamed json or text parameter; {"": v} is just a body', async () => {
    expect((await sb.rpc('rest_t_json', { '': 5 })).data).toEqual({ '': 5 });
    expect((await sb.rpc('rest_t_json', { a: [1, { b: 2 }] })).data).toEqual({ a: [1, { b: 2 }] });
    const text = await rest('/rpc/rest_t_text', { method: 'POST', body: 'hello', headers: { 'Content-Type': 'text/plain' } });
    expect(await text.json()).toBe('HELLO');
    const named = await sb.rpc('rest_t_named', { '': 1 });
    expect(named.status).toBe(404);
  });

  it('resolves overloads by argument names and answers PGRST203 with the candidates in PostgREST order', async () => {
    expect((await sb.rpc('rest_t_over', { a: 1, b: 2 })).data).toBe('two');
    const { status, error } = await sb.rpc('rest_t_over', { a: 1 });
    expect(status).toBe(300);
    expect(error).toEqual({
      code: 'PGRST203',
      details: null,
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
      message: 'Could not choose the best candidate function between: public.rest_t_over(a => integer), public.rest_t_over(a => text)',
    });
  });

  it('words PGRST202 as PostgREST 14: parameters, singular parameter, without parameters, hints', async () => {
    const one = await client(stack).rpc('rest_t_named', { p_z: 1 });
    expect(one.error).toEqual({
      code: 'PGRST202',
      details: 'Searched for the function public.rest_t_named with parameter p_z or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.rest_t_named(p_x, p_y)',
      message: 'Could not find the function public.rest_t_named(p_z) in the schema cache',
    });
    const none = await sb.rpc('rest_t_named');
    expect(none.error?.message).toBe('Could not find the function public.rest_t_named without parameters in the schema cache');
    expect(none.error?.details).toBe('Searched for the function public.rest_t_named without parameters or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.');
    const get = await rest('/rpc/rest_t_named?p_q=1');
    expect((await get.json()).details).toBe('Searched for the function public.rest_t_named with parameter p_q, but no matches were found in the schema cache.');
  });

  it('answers PGRST201 for an ambiguous embedding and follows the constraint named as hint', async () => {
    const { data: c } = await sb.from('customers').select('id').eq('email', `kim.${tag}@example.com`).single();
    const kim = (c as { id: string }).id;
    await sb.from('rest_referrals').insert({ id: 1, customer_id: kim, referred_by: null });
    const ambiguous = await sb.from('rest_referrals').select('id, customers(full_name)');
    expect(ambiguous.status).toBe(300);
    expect(ambiguous.error).toEqual({
      code: 'PGRST201',
      details: [
        { cardinality: 'many-to-one', embedding: 'rest_referrals with customers', relationship: 'rest_referrals_customer_id_fkey using rest_referrals(customer_id) and customers(id)' },
        { cardinality: 'many-to-one', embedding: 'rest_referrals with customers', relationship: 'rest_referrals_referred_by_fkey using rest_referrals(referred_by) and customers(id)' },
      ],
      hint: "Try changing 'customers' to one of the following: 'customers!rest_referrals_customer_id_fkey', 'customers!rest_referrals_referred_by_fkey'. Find the desired relationship in the 'details' key.",
      message: "Could not embed because more than one relationship was found for 'rest_referrals' and 'customers'",
    });
    const hinted = await sb.from('rest_referrals').select('id, customer:customers!rest_referrals_customer_id_fkey(full_name), referrer:customers!referred_by(full_name)');
    expect(hinted.data).toEqual([{ id: 1, customer: { full_name: `Kim ${tag}` }, referrer: null }]);
  });

  it('embeds many-to-many through a junction table whose primary key is its two foreign keys', async () => {
    const { data: p } = await sb.from('products').insert({ sku: `M2M-${tag.toUpperCase()}`, name: `Cable ${tag}`, price_cents: 100 }).select('id').single();
    const productId = (p as { id: string }).id;
    await sb.from('rest_tags').insert([{ id: 1, name: 'usb' }, { id: 2, name: 'spare' }, { id: 3, name: 'unused' }]);
    await sb.from('rest_product_tags').insert([{ product_id: productId, tag_id: 1 }, { product_id: productId, tag_id: 2 }]);
    const tags = await sb.from('products').select('name, rest_tags(name)').eq('id', productId).order('name', { referencedTable: 'rest_tags' }).single();
    expect(tags.data).toEqual({ name: `Cable ${tag}`, rest_tags: [{ name: 'spare' }, { name: 'usb' }] });
    const back = await sb.from('rest_tags').select('name, products!rest_product_tags(name)').order('id');
    expect(back.data).toEqual([
      { name: 'usb', products: [{ name: `Cable ${tag}` }] },
      { name: 'spare', products: [{ name: `Cable ${tag}` }] },
      { name: 'unused', products: [] },
    ]);
    await sb.from('rest_product_tags').delete().eq('product_id', productId);
    await sb.from('products').delete().eq('id', productId);
  });

  it('embeds on a function returning a table type, with filters on the result', async () => {
    const { data, error } = await sb.rpc('rest_t_customers', { p_like: `Kim ${tag}` }).select('full_name, tickets(device)').order('device', { referencedTable: 'tickets' });
    expect(error).toBeNull();
    expect(data).toEqual([{ full_name: `Kim ${tag}`, tickets: [{ device: `a ${tag}` }, { device: `b ${tag}` }] }]);
  });
});
