import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../local-supabase/auth/keys.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { ADMIN, client, serviceClient, signedIn, startTestStack, SUPPORT } from './stack-setup.ts';

// Fixture objects of this file only (dropped again: with DATABASE_URL the database outlives the test).
const FIXTURES = `
drop table if exists public.stack_test_items;
create table public.stack_test_items (id serial primary key, name text not null unique, qty int not null default 0 check (qty >= 0), tag text);
grant select on public.stack_test_items to anon, authenticated;
grant all on public.stack_test_items to service_role;
grant usage on sequence public.stack_test_items_id_seq to service_role;
insert into public.stack_test_items (name, qty, tag) values ('alpha', 1, 'x'), ('beta', 2, null), ('gamma', 3, 'x'), ('delta', 4, 'y'), ('epsilon', 5, null);
create or replace function public.stack_test_add(a int, b int default 1) returns int language sql immutable as $$ select a + b $$;
create or replace function public.stack_test_series(n int) returns setof int language sql stable as $$ select generate_series(1, n) $$;
create or replace function public.stack_test_noop() returns void language sql volatile as $$ select $$;
create or replace function public.stack_test_raise(msg text) returns int language plpgsql volatile as $$
begin raise exception '%', msg using detail = 'the detail', hint = 'the hint'; end $$;
create or replace function public.stack_test_write(p_name text) returns int language sql volatile as $$
  insert into public.stack_test_items (name) values (p_name) returning id $$;
create or replace function public.stack_test_whoami() returns jsonb language sql stable as $$
  select jsonb_build_object('role', current_user, 'sub', auth.uid(), 'claims_role', auth.jwt() ->> 'role',
    'timeout', current_setting('statement_timeout')) $$;
grant execute on function public.stack_test_add(int, int), public.stack_test_series(int), public.stack_test_noop(),
  public.stack_test_raise(text), public.stack_test_whoami() to anon, authenticated, service_role;
grant execute on function public.stack_test_write(text) to service_role;
`;
const DROP = `
drop table if exists public.stack_test_items;
drop function if exists public.stack_test_add(int, int), public.stack_test_series(int), public.stack_test_noop(),
  public.stack_test_raise(text), public.stack_test_write(text), public.stack_test_whoami();`;

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.db.exec(FIXTURES);
  await stack.reloadSchema();
});
afterAll(async () => {
  if (stack) {
    await stack.db.exec(DROP);
    await stack.close();
  }
});

function rest(path: string, init: RequestInit = {}, key = ANON_KEY): Promise<Response> {
  return fetch(`${stack.url}/rest/v1${path}`, { ...init, headers: { apikey: key, Authorization: `Bearer ${key}`, ...init.headers } });
}

describe('rest: the dashboard RPCs by role', () => {
  it('refuses anon with 401 and 42501', async () => {
    const { data, error, status } = await client(stack).rpc('dashboard_kpis');
    expect(data).toBeNull();
    expect(status).toBe(401);
    expect(error).toMatchObject({ code: '42501', details: null, hint: null });
  });

  it('gives support KPIs without money, and 403 on revenue', async () => {
    const sb = await signedIn(stack, SUPPORT);
    const kpis = await sb.rpc('dashboard_kpis');
    expect(kpis.error).toBeNull();
    expect(kpis.data).toMatchObject({ role: 'support', total_revenue_cents: null, orders_count: null });
    expect(typeof kpis.data.active_repairs).toBe('number');
    const revenue = await sb.rpc('revenue_series', { p_from: new Date(Date.now() - 86_400_000).toISOString(), p_to: new Date().toISOString(), p_bucket: 'hour' });
    expect(revenue.status).toBe(403);
    expect(revenue.error?.code).toBe('42501');
  });

  it('gives admin everything, typed as JSON numbers and ISO timestamps', async () => {
    const sb = await signedIn(stack, ADMIN);
    const kpis = await sb.rpc('dashboard_kpis');
    expect(kpis.data.role).toBe('admin');
    expect(typeof kpis.data.total_revenue_cents).toBe('number');
    const to = new Date();
    const from = new Date(to.getTime() - 7 * 86_400_000);
    const revenue = await sb.rpc('revenue_series', { p_from: from.toISOString(), p_to: to.toISOString(), p_bucket: 'day' });
    expect(revenue.error).toBeNull();
    expect(Array.isArray(revenue.data)).toBe(true);
    expect(revenue.data.length).toBeGreaterThanOrEqual(7);
    expect(Object.keys(revenue.data[0]).sort()).toEqual(['bucket_start', 'orders_count', 'revenue_cents']);
    expect(typeof revenue.data[0].revenue_cents).toBe('number');
    expect(revenue.data[0].bucket_start).toMatch(/^\d{4}-\d\d-\d\dT/);

    const feed = await sb.rpc('activity_feed', { p_limit: 3 });
    expect(feed.data).toHaveLength(3);
    expect(feed.data[0].id).toBeGreaterThan(feed.data[1].id);
    const bad = await sb.rpc('activity_feed', { p_limit: 0 });
    expect(bad.status).toBe(400);
    expect(bad.error?.code).toBe('22023');
  });

  it('answers GET rpc for stable functions, with arguments in the query', async () => {
    const sb = await signedIn(stack, ADMIN);
    const { data, error } = await sb.rpc('activity_feed', { p_limit: 2 }, { get: true });
    expect(error).toBeNull();
    expect(data).toHaveLength(2);
  });
});

describe('rest: rpc shapes and errors', () => {
  it('returns scalars bare, sets as arrays, void as 204', async () => {
    const sb = client(stack);
    expect((await sb.rpc('stack_test_add', { a: 2, b: 5 })).data).toBe(7);
    expect((await sb.rpc('stack_test_add', { a: 2 })).data).toBe(3);
    expect((await sb.rpc('stack_test_series', { n: 3 })).data).toEqual([1, 2, 3]);
    const noop = await sb.rpc('stack_test_noop');
    expect(noop.status).toBe(204);
    expect(noop.data).toBeNull();
    expect(noop.error).toBeNull();
  });

  it('runs as the JWT role with request.jwt.claims and the role\'s settings', async () => {
    expect((await client(stack).rpc('stack_test_whoami')).data).toEqual({ role: 'anon', sub: null, claims_role: 'anon', timeout: '3s' });
    const admin = await signedIn(stack, ADMIN);
    const me = (await admin.rpc('stack_test_whoami')).data;
    const user = (await admin.auth.getUser()).data.user!;
    expect(me).toEqual({ role: 'authenticated', sub: user.id, claims_role: 'authenticated', timeout: '8s' });
  });

  it('maps RAISE to 400 P0001 with detail and hint', async () => {
    const { error, status } = await client(stack).rpc('stack_test_raise', { msg: 'boom' });
    expect(status).toBe(400);
    expect(error).toEqual({ code: 'P0001', details: 'the detail', hint: 'the hint', message: 'boom' });
  });

  it('finds functions by name and argument names: 404 PGRST202 otherwise', async () => {
    const { error, status } = await client(stack).rpc('stack_test_add', { x: 1 });
    expect(status).toBe(404);
    expect(error?.code).toBe('PGRST202');
    expect(error?.message).toBe('Could not find the function public.stack_test_add(x) in the schema cache');
    const missing = await client(stack).rpc('dashboard_kpi');
    expect(missing.error?.hint).toBe('Perhaps you meant to call the function public.dashboard_kpis');
  });

  it('runs GET rpc read-only: a write fails with 405 25006', async () => {
    const res = await rest('/rpc/stack_test_write?p_name=zeta', {}, SERVICE_ROLE_KEY);
    expect(res.status).toBe(405);
    expect((await res.json()).code).toBe('25006');
    const post = await serviceClient(stack).rpc('stack_test_write', { p_name: 'zeta' });
    expect(typeof post.data).toBe('number');
    await serviceClient(stack).from('stack_test_items').delete().eq('name', 'zeta');
  });

  it('only lets a JWT become the roles the authenticator has', async () => {
    const now = Math.floor(Date.now() / 1000);
    const superuser = await stack.keys.sign({ role: 'postgres', iat: now, exp: now + 60 });
    const res = await rest('/stack_test_items?select=id', { headers: { Authorization: `Bearer ${superuser}` } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: '42501', message: 'permission denied to set role "postgres"' });
  });

  it('rejects invalid JSON with PGRST102 and other methods with PGRST101', async () => {
    const bad = await rest('/rpc/stack_test_add', { method: 'POST', body: '{"a": 1,', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ code: 'PGRST102', details: null, hint: null, message: 'Empty or invalid json' });
    const put = await rest('/rpc/stack_test_add', { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect((await put.json()).code).toBe('PGRST101');
  });

  it('refuses expired and forged tokens with PGRST303 and PGRST301', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await stack.keys.sign({ role: 'authenticated', sub: '00000000-0000-0000-0000-000000000000', iat: now - 7200, exp: now - 3600 });
    const res = await rest('/rpc/stack_test_add', { method: 'POST', body: '{"a":1}', headers: { Authorization: `Bearer ${expired}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'PGRST303', details: null, hint: null, message: 'JWT expired' });
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    const forged = `${ANON_KEY.slice(0, -4)}AAAA`;
    const res2 = await rest('/rpc/stack_test_add', { method: 'POST', body: '{"a":1}', headers: { Authorization: `Bearer ${forged}` } });
    expect(res2.status).toBe(401);
    expect((await res2.json()).code).toBe('PGRST301');
  });
});

describe('rest: table reads', () => {
  it('selects columns with filters, order, limit, offset and an exact count', async () => {
    const sb = client(stack);
    const { data, count, status } = await sb
      .from('stack_test_items')
      .select('name, quantity:qty', { count: 'exact' })
      .gte('qty', 2)
      .neq('name', 'delta')
      .order('qty', { ascending: false })
      .range(0, 1);
    expect(data).toEqual([{ name: 'epsilon', quantity: 5 }, { name: 'gamma', quantity: 3 }]);
    expect(count).toBe(3);
    expect(status).toBe(206);

    const rest2 = await sb.from('stack_test_items').select('name').in('name', ['alpha', 'beta', 'nope']).order('name');
    expect(rest2.data).toEqual([{ name: 'alpha' }, { name: 'beta' }]);
    const stripped = await sb.from('stack_test_items').select('name, tag').in('name', ['alpha', 'beta']).order('name').stripNulls();
    expect(stripped.data).toEqual([{ name: 'alpha', tag: 'x' }, { name: 'beta' }]);
    const nulls = await sb.from('stack_test_items').select('name').is('tag', null).order('name');
    expect(nulls.data).toEqual([{ name: 'beta' }, { name: 'epsilon' }]);
    const lt = await sb.from('stack_test_items').select('qty').lt('qty', 3).lte('qty', 1).eq('tag', 'x').gt('qty', 0);
    expect(lt.data).toEqual([{ qty: 1 }]);
    const either = await sb.from('stack_test_items').select('name').or('qty.lt.2,and(tag.eq.y,qty.gte.4)').order('name');
    expect(either.data).toEqual([{ name: 'alpha' }, { name: 'delta' }]);
    const offset = await sb.from('stack_test_items').select('name').order('id').limit(2).range(3, 4);
    expect(offset.data).toEqual([{ name: 'delta' }, { name: 'epsilon' }]);
  });

  it('applies the role and RLS: anon cannot read tickets, support sees no orders, admin does', async () => {
    const anon = await client(stack).from('tickets').select('id').limit(1);
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
    const support = await signedIn(stack, SUPPORT);
    expect((await support.from('orders').select('id').limit(5)).data).toEqual([]);
    expect((await support.from('tickets').select('id').limit(5)).data).toHaveLength(5);
    const admin = await signedIn(stack, ADMIN);
    const orders = await admin.from('orders').select('number, status', { count: 'exact' }).eq('status', 'paid').limit(1);
    const direct = await stack.db.query<{ n: number }>(`select count(*)::int as n from public.orders where status = 'paid'`);
    expect(orders.count).toBe(direct.rows[0]!.n);
  });

  it('returns one object for single() and PGRST116 when rows are not exactly one', async () => {
    const sb = client(stack);
    expect((await sb.from('stack_test_items').select('name').eq('name', 'beta').single()).data).toEqual({ name: 'beta' });
    const many = await sb.from('stack_test_items').select('name').single();
    expect(many.status).toBe(406);
    expect(many.error?.code).toBe('PGRST116');
  });

  it('answers unknown tables, columns and operators like PostgREST', async () => {
    const sb = client(stack);
    const table = await sb.from('stack_test_itemz').select();
    expect(table.status).toBe(404);
    expect(table.error?.code).toBe('PGRST205');
    expect(table.error?.hint).toBe("Perhaps you meant the table 'public.stack_test_items'");
    const column = await sb.from('stack_test_items').select('nope');
    expect(column.status).toBe(400);
    expect(column.error?.code).toBe('42703');
    const op = await rest('/stack_test_items?qty=between.1');
    expect(op.status).toBe(400);
    expect((await op.json()).code).toBe('PGRST100');
  });

  it('never lets a column name or value become SQL', async () => {
    const evil = await rest(`/stack_test_items?select=${encodeURIComponent('name from pg_roles; drop table public.stack_test_items; --')}`);
    expect(evil.status).toBe(400);
    const quoted = await rest(`/stack_test_items?${encodeURIComponent('"nam\\"e; drop table x; --"')}=eq.a`);
    expect(quoted.status).toBe(400);
    expect((await quoted.json()).message).toBe('column stack_test_items.nam"e; drop table x; -- does not exist');
    const value = await client(stack).from('stack_test_items').select('name').eq('name', "alpha'; drop table public.stack_test_items; --");
    expect(value.data).toEqual([]);
    expect((await client(stack).from('stack_test_items').select('id', { count: 'exact', head: true })).count).toBeGreaterThanOrEqual(5);
  });
});

describe('rest: writes', () => {
  it('inserts, updates and deletes with filters and return=representation', async () => {
    const sb = serviceClient(stack);
    const ins = await sb.from('stack_test_items').insert([{ name: 'eta', qty: 7 }, { name: 'theta', qty: 8, tag: 'z' }]).select('name, qty, tag');
    expect(ins.status).toBe(201);
    expect(ins.data).toEqual([{ name: 'eta', qty: 7, tag: null }, { name: 'theta', qty: 8, tag: 'z' }]);
    const minimal = await sb.from('stack_test_items').insert({ name: 'iota' });
    expect(minimal.status).toBe(201);
    expect(minimal.data).toBeNull();

    const upd = await sb.from('stack_test_items').update({ qty: 70 }).eq('name', 'eta').select('name, qty').single();
    expect(upd.data).toEqual({ name: 'eta', qty: 70 });
    const updMinimal = await sb.from('stack_test_items').update({ tag: 'w' }).in('name', ['theta', 'iota']);
    expect(updMinimal.status).toBe(204);
    expect((await sb.from('stack_test_items').select('name').eq('tag', 'w').order('name')).data).toEqual([{ name: 'iota' }, { name: 'theta' }]);

    const del = await sb.from('stack_test_items').delete().in('name', ['eta', 'theta', 'iota']).select('name').order('name');
    expect(del.status).toBe(200);
    expect(del.data?.map((r) => r.name).sort()).toEqual(['eta', 'iota', 'theta']);
    expect((await sb.from('stack_test_items').select('id', { count: 'exact', head: true })).count).toBe(5);
  });

  it('refuses an update or delete without filters, as pg-safeupdate does on Supabase', async () => {
    const sb = serviceClient(stack);
    const upd = await sb.from('stack_test_items').update({ qty: 0 });
    expect(upd.status).toBe(400);
    expect(upd.error).toMatchObject({ code: '21000', message: 'UPDATE requires a WHERE clause' });
    const del = await sb.from('stack_test_items').delete();
    expect(del.status).toBe(400);
    expect(del.error).toMatchObject({ code: '21000', message: 'DELETE requires a WHERE clause' });
    expect((await sb.from('stack_test_items').select('id', { count: 'exact', head: true })).count).toBe(5);
    const filtered = await sb.from('stack_test_items').update({ tag: 'kept' }).eq('name', 'alpha');
    expect(filtered.status).toBe(204);
  });

  it('upserts on the primary key or on_conflict', async () => {
    const sb = serviceClient(stack);
    const up = await sb.from('stack_test_items').upsert({ name: 'alpha', qty: 11 }, { onConflict: 'name' }).select('name, qty');
    expect(up.data).toEqual([{ name: 'alpha', qty: 11 }]);
    await sb.from('stack_test_items').update({ qty: 1 }).eq('name', 'alpha');
  });

  it('maps constraint errors: 409 unique, 400 check, 403 no privilege', async () => {
    const sb = serviceClient(stack);
    const dup = await sb.from('stack_test_items').insert({ name: 'alpha' });
    expect(dup.status).toBe(409);
    expect(dup.error?.code).toBe('23505');
    const check = await sb.from('stack_test_items').insert({ name: 'negative', qty: -1 });
    expect(check.status).toBe(400);
    expect(check.error?.code).toBe('23514');
    const support = await signedIn(stack, SUPPORT);
    const denied = await support.from('stack_test_items').insert({ name: 'nope' });
    expect(denied.status).toBe(403);
    expect(denied.error?.code).toBe('42501');
  });
});

describe('rest: limits, CORS and health', () => {
  it('refuses huge bodies with 413 and keeps serving', async () => {
    const huge = JSON.stringify({ a: 'x'.repeat(5 * 1024 * 1024) });
    const res = await rest('/rpc/stack_test_add', { method: 'POST', body: huge, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(413);
    expect((await client(stack).rpc('stack_test_add', { a: 1 })).data).toBe(2);
  });

  it('exposes Content-Range to browsers and answers preflights', async () => {
    const pre = await rest('/stack_test_items', { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'apikey, authorization, prefer' } });
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('prefer');
    const res = await rest('/stack_test_items?select=id', { headers: { Origin: 'http://localhost:5173', Prefer: 'count=exact' } });
    expect(res.headers.get('access-control-expose-headers')).toContain('Content-Range');
    expect(res.headers.get('content-range')).toMatch(/^0-\d+\/\d+$/);
  });

  it('reports the database and realtime on /health', async () => {
    const body = await (await fetch(`${stack.url}/health`)).json();
    expect(body.database.ok).toBe(true);
    expect(body.realtime).toEqual({ connections: expect.any(Number), channels: expect.any(Number), eventsDelivered: expect.any(Number) });
  });
});
