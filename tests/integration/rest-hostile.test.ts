import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_KEY, SERVICE_ROLE_KEY } from '../../local-supabase/auth/keys.ts';
import { MAX_EMBED_DEPTH, MAX_JSON_DEPTH, MAX_LOGIC_DEPTH } from '../../local-supabase/rest/cursor.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { ADMIN, serviceClient, signedIn, startTestStack } from './stack-setup.ts';
import { mulberry32 as seeded } from '../support/rng.ts';

// Hostile input gets a clear 4xx in PostgREST's error shape, never a 500 or silence, and the
// stack keeps serving everyone else afterwards. max_rows comes from supabase/config.toml.

let stack: Stack;
let small: Stack;

beforeAll(async () => {
  stack = await startTestStack();
  small = await startTestStack({ maxRows: 2 });
});
afterAll(async () => {
  await small?.close();
  await stack?.close();
});

function rest(path: string, init: RequestInit = {}, key = ANON_KEY, on = stack): Promise<Response> {
  return fetch(`${on.url}/rest/v1${path}`, { ...init, headers: { apikey: key, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...init.headers } });
}

async function stillServing(): Promise<void> {
  const health = await fetch(`${stack.url}/health`);
  expect(health.status).toBe(200);
  const { data, error } = await serviceClient(stack).from('products').select('id').limit(1);
  expect(error).toBeNull();
  expect(data).toHaveLength(1);
}

const nestedOr = (depth: number) => `(${'or('.repeat(depth - 1)}number.eq.1${')'.repeat(depth)}`;
const nestedJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('rest: hostile input', () => {
  it('a logic tree nested 1,500 deep is 400 PGRST100, not a stack overflow', async () => {
    const res = await rest(`/tickets?select=number&or=${nestedOr(1_500)}`, {}, SERVICE_ROLE_KEY);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toEqual({
      code: 'PGRST100',
      details: `nesting deeper than ${MAX_LOGIC_DEPTH} levels is not accepted`,
      hint: null,
      message: expect.stringMatching(/^"failed to parse logic tree \(\(or\(or\(.*\)" \(line 1, column \d+\)$/),
    });
    const ok = await rest(`/tickets?select=number&or=${nestedOr(MAX_LOGIC_DEPTH)}`, {}, SERVICE_ROLE_KEY);
    expect(ok.status).toBe(200);
    await stillServing();
  });

  it('a JSON body nested 5,000 deep is 400 PGRST102 before any permission check', async () => {
    for (const path of ['/rpc/dashboard_kpis', '/tickets']) {
      const res = await rest(path, { method: 'POST', body: nestedJson(5_000) });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ code: 'PGRST102', details: `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not accepted`, hint: null, message: 'Empty or invalid json' });
    }
    const deepValue = await rest('/rpc/dashboard_kpis', { method: 'POST', body: `{"p_from":${nestedJson(MAX_JSON_DEPTH - 1)}}` });
    expect(deepValue.status).toBe(401); // within the limit: parsed, then refused for anon as usual
    await stillServing();
  });

  it('a select tree nested 3,000 deep is 400 PGRST100; 50 levels of real embedding still run', async () => {
    const deep = await rest(`/tickets?select=${'c('.repeat(3_000)}id${')'.repeat(3_000)}`, {}, SERVICE_ROLE_KEY);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ code: 'PGRST100', details: `nesting deeper than ${MAX_EMBED_DEPTH} levels is not accepted` });
    const pairs = MAX_EMBED_DEPTH / 2;
    const chain = `${'tickets(customers('.repeat(pairs)}id${'))'.repeat(pairs)}`;
    const ok = await rest(`/customers?select=${chain}&limit=0`, {}, SERVICE_ROLE_KEY);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([]);
    await stillServing();
  });

  it('select=*,pg_sleep(5) is 400 PGRST200 (an unknown embedding), and odd select syntax is PGRST100', async () => {
    const sleep = await rest('/tickets?select=*,pg_sleep(5)', {}, SERVICE_ROLE_KEY);
    expect(sleep.status).toBe(400);
    expect(await sleep.json()).toEqual({
      code: 'PGRST200',
      details: "Searched for a foreign key relationship between 'tickets' and 'pg_sleep' in the schema 'public', but no matches were found.",
      hint: null,
      message: "Could not find a relationship between 'tickets' and 'pg_sleep' in the schema cache",
    });
    for (const select of ['id[', '*;drop', 'a b!', 'id,,number']) {
      const res = await rest(`/tickets?select=${encodeURIComponent(select)}`, {}, SERVICE_ROLE_KEY);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.code).toBe('PGRST100');
      expect(body.message).toMatch(/^"failed to parse select parameter \(.*\)" \(line 1, column \d+\)$/);
    }
    const agg = await rest('/orders?select=total_cents.sum()', {}, SERVICE_ROLE_KEY);
    expect(await agg.json()).toMatchObject({ code: 'PGRST123', message: 'Use of aggregate functions is not allowed' });
    await stillServing();
  });

  it('unknown operators inside or= and in keys are PGRST100 with PostgREST messages', async () => {
    const res = await rest('/tickets?or=(number.between.1)', {}, SERVICE_ROLE_KEY);
    expect(await res.json()).toMatchObject({ code: 'PGRST100', message: '"failed to parse logic tree ((number.between.1))" (line 1, column 11)' });
    const neg = await rest('/tickets?limit=-1', {}, SERVICE_ROLE_KEY);
    expect(neg.status).toBe(416);
    expect(await neg.json()).toMatchObject({ code: 'PGRST103', details: 'Limit should be greater than or equal to zero.' });
  });
});

describe('rest: fuzzed query strings', () => {
  const PIECES = ['select', 'order', 'limit', 'or', 'and', 'not.', 'status', 'number', 'customers', 'tickets.', '=', '&', '(', ')', ',', '.', ':', '!inner',
    '"', '\\', '*', '{', '}', '->', '->>', 'eq.', 'in.', 'is.', 'null', 'cs.', 'fts(english).', 'like(any).', '%20', '%00', '%', '1', 'x', '...', '::text'];

  it('random query strings on a table get 2xx or 4xx, never a 5xx, and the stack keeps serving', async () => {
    const rand = seeded(31337);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 150; i++) {
      let q = '';
      const n = 1 + Math.floor(rand() * 14);
      for (let j = 0; j < n; j++) q += PIECES[Math.floor(rand() * PIECES.length)];
      const res = await rest(`/tickets?${q}`, {}, SERVICE_ROLE_KEY);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const text = await res.text();
      expect({ q, status: res.status < 500 }).toEqual({ q, status: true });
      if (res.status >= 400) expect(JSON.parse(text)).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    }
    expect(statuses.get(400)).toBeGreaterThan(10);
    await stillServing();
  });
});

describe('rest: max_rows', () => {
  it('caps an unlimited read at config.toml [api] max_rows (1000)', async () => {
    const res = await rest('/activity_log?select=id', {}, SERVICE_ROLE_KEY);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('0-999/*');
    expect(await res.json()).toHaveLength(1000);
    const counted = await serviceClient(stack).from('activity_log').select('id', { count: 'exact' });
    expect(counted.status).toBe(206);
    expect(counted.data).toHaveLength(1000);
    expect(counted.count).toBeGreaterThan(1000);
  });

  it('caps embedded resources and RPC results too, and never writes', async () => {
    const res = await rest('/customers?select=id,tickets(id)&tickets=not.is.null', {}, SERVICE_ROLE_KEY, small);
    const body = (await res.json()) as { tickets: unknown[] }[];
    expect(body).toHaveLength(2);
    expect(Math.max(...body.map((c) => c.tickets.length))).toBeLessThanOrEqual(2);
    const explicit = await rest('/products?select=id&limit=10', {}, SERVICE_ROLE_KEY, small);
    expect(await explicit.json()).toHaveLength(2);
    const admin = await signedIn(small, ADMIN);
    const feed = await admin.rpc('activity_feed', { p_limit: 10 });
    expect(feed.data).toHaveLength(2);
    const patched = await rest('/products?active=is.true', { method: 'PATCH', body: '{"active": true}', headers: { Prefer: 'return=representation' } }, SERVICE_ROLE_KEY, small);
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as unknown[]).length).toBeGreaterThan(2);
  });
});
