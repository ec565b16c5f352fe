import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { SERVICE_ROLE_KEY } from '../../local-supabase/auth/keys.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { serviceClient, startTestStack } from './stack-setup.ts';

// Every query parameter and header the REST layer reads, read as PostgREST 14 reads it. Expected
// answers come from PostgREST v14.17's source: src/PostgREST/ApiRequest/QueryParams.hs (query
// string), src/PostgREST/ApiRequest/Preferences.hs (Prefer), src/PostgREST/ApiRequest.hs (getRanges,
// getSchema), src/PostgREST/RangeQuery.hs (Range, Content-Range, status), src/PostgREST/Error.hs
// (codes, messages, details, hints), src/PostgREST/MainTx.hs (max-affected, tx=rollback),
// src/PostgREST/Response.hs (Preference-Applied), src/PostgREST/Query/SqlFragment.hs (CSV).
const FIXTURES = `
drop table if exists public.rest_reading_rows cascade;
create table public.rest_reading_rows (id int primary key, name text not null, note text, amount int not null default 0,
  at timestamptz not null default '2026-01-01 12:00:00+00');
insert into public.rest_reading_rows (id, name, note) values
  (1, 'plain', null), (2, 'with, comma', 'say "hi"'), (3, '', 'back\\slash'), (4, 'two words', 'x'), (5, 'e', 'y');
grant all on public.rest_reading_rows to service_role;
create or replace function public.rest_reading_bump(p_ids int[]) returns setof public.rest_reading_rows language sql volatile as
  $$ update public.rest_reading_rows set amount = amount + 1 where id = any(p_ids) returning * $$;
create or replace function public.rest_reading_total() returns int language sql stable as
  $$ select sum(amount)::int from public.rest_reading_rows $$;
create or replace function public.rest_reading_all() returns setof public.rest_reading_rows language sql stable as
  $$ select * from public.rest_reading_rows order by id $$;
grant execute on function public.rest_reading_bump(int[]), public.rest_reading_total(), public.rest_reading_all() to service_role;`;
const DROP = `
drop function if exists public.rest_reading_bump(int[]), public.rest_reading_total(), public.rest_reading_all();
drop table if exists public.rest_reading_rows;`;

const TABLE = '/rest_reading_rows';
const RANGE_ERROR = 'Requested range not satisfiable';

let stack: Stack;
/** a stack whose PostgREST allows `Prefer: tx=` (db-tx-end = commit-allow-override) */
let txStack: Stack;
let sb: SupabaseClient;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.db.exec(FIXTURES);
  await stack.reloadSchema();
  txStack = await startTestStack({ dbTxEnd: 'commit-allow-override' });
  // PGlite in memory: a database of its own; on PostgreSQL the same one, made afresh.
  await txStack.db.exec(FIXTURES);
  await txStack.reloadSchema();
  await stack.reloadSchema();
  sb = serviceClient(stack);
});
afterAll(async () => {
  await txStack?.db.exec(DROP);
  await txStack?.close();
  if (!stack) return;
  await stack.db.exec(DROP);
  await stack.close();
});

function rest(path: string, init: RequestInit = {}, on: Stack = stack): Promise<Response> {
  return fetch(`${on.url}/rest/v1${path}`, {
    ...init,
    headers: { apikey: SERVICE_ROLE_KEY, Authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'Content-Type': 'application/json', ...init.headers },
  });
}

async function ids(res: Response): Promise<number[]> {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return ((await res.json()) as { id: number }[]).map((r) => r.id);
}

/** The error body PostgREST sends, and that it is the whole body: no rows were read. */
async function refused(res: Response, status: number, body: { code: string; message: string; details?: unknown; hint?: unknown }): Promise<void> {
  expect(res.status).toBe(status);
  expect(await res.json()).toEqual({ details: null, hint: null, ...body });
}

async function rowIds(on: Stack = stack): Promise<number[]> {
  const { rows } = await on.db.query<{ id: number }>('select id from public.rest_reading_rows order by id');
  return rows.map((r) => Number(r.id));
}

async function amounts(on: Stack = stack): Promise<number[]> {
  const { rows } = await on.db.query<{ amount: number }>('select amount from public.rest_reading_rows order by id');
  return rows.map((r) => Number(r.amount));
}

describe('rest reading: the query string (QueryParams.hs parse, http-types parseQueryReplacePlus)', () => {
  it('; separates pairs as & does: limit=1;drop table customers reads limit=1 and a key without a value', async () => {
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=1;drop%20table%20customers`))).toEqual([1]);
    expect(await ids(await rest(`${TABLE}?select=id;order=id.desc;limit=2`))).toEqual([5, 4]);
    const { count } = await sb.from('customers').select('*', { count: 'exact', head: true });
    expect(count).toBeGreaterThan(0);
  });

  it('limit: a number limits; one that is not a number (Haskell readMaybe) is ignored; the last limit wins', async () => {
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=2`))).toEqual([1, 2]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=(2)`))).toEqual([1, 2]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=two`))).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=1.5`))).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=1&limit=3`))).toEqual([1, 2, 3]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=0`))).toEqual([]);
  });

  it('limit: negative is 416 PGRST103 "Limit should be greater than or equal to zero." (ApiRequest.hs NegativeLimit)', async () => {
    await refused(await rest(`${TABLE}?limit=-1`), 416, { code: 'PGRST103', message: RANGE_ERROR, details: 'Limit should be greater than or equal to zero.' });
    // A limit that is no number beside an offset counts as 0 rows (QueryParams.hs: fromMaybe 0 (rangeLimit rl)).
    await refused(await rest(`${TABLE}?limit=all&offset=2`), 416, { code: 'PGRST103', message: RANGE_ERROR, details: 'Limit should be greater than or equal to zero.' });
    expect(await ids(await rest(`${TABLE}?limit=all&offset=0`))).toEqual([]);
  });

  it('offset: skips rows; not a number is ignored; negative is clipped at the top level by getRanges (intersection with 0..)', async () => {
    expect(await ids(await rest(`${TABLE}?select=id&order=id&offset=3`))).toEqual([4, 5]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&offset=three`))).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&offset=-1`))).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=2&offset=-1`))).toEqual([1]);
  });

  it('offset past the rows with a count: 416 with Content-Range */total (RangeQuery.hs rangeStatusHeader, Response.hs)', async () => {
    const res = await rest(`${TABLE}?offset=9`, { headers: { Prefer: 'count=exact' } });
    expect(res.headers.get('content-range')).toBe('*/5');
    await refused(res, 416, { code: 'PGRST103', message: RANGE_ERROR, details: 'An offset of 9 was requested, but there are only 5 rows.' });
  });

  it('select, columns and on_conflict are read from their first occurrence; a bare key has no value', async () => {
    expect(await (await rest(`${TABLE}?select=id&select=name&id=eq.1`)).json()).toEqual([{ id: 1 }]);
    const bare = (await (await rest(`${TABLE}?select&select=id&id=eq.1`)).json()) as Record<string, unknown>[];
    expect(Object.keys(bare[0] ?? {})).toEqual(['id', 'name', 'note', 'amount', 'at']);
    const res = await rest(`${TABLE}?columns=id,name&columns=id,name,note`, { method: 'POST', body: JSON.stringify({ id: 100, name: 'cols', note: 'dropped' }), headers: { Prefer: 'return=representation' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject([{ id: 100, name: 'cols', note: null }]);
    const upsert = await rest(`${TABLE}?on_conflict=id&on_conflict=name&select=id,note`, {
      method: 'POST',
      body: JSON.stringify({ id: 100, name: 'cols', note: 'merged' }),
      headers: { Prefer: 'resolution=merge-duplicates, return=representation' },
    });
    expect([upsert.status, await upsert.json()]).toEqual([200, [{ id: 100, note: 'merged' }]]);
    await stack.db.query('delete from public.rest_reading_rows where id >= 100');
  });

  it('select and on_conflict stop at a stray ")" (their parsers do not require the end of input)', async () => {
    expect(await (await rest(`${TABLE}?select=id)name&id=eq.1`)).json()).toEqual([{ id: 1 }]);
    const res = await rest(`${TABLE}?on_conflict=id)name&select=id`, { method: 'POST', body: JSON.stringify({ id: 1, name: 'plain' }), headers: { Prefer: 'resolution=ignore-duplicates, return=representation' } });
    expect([res.status, await res.json()]).toEqual([201, []]);
  });

  it('order: the first order of a level wins (Plan.hs addOrders folds from the right); every one is parsed', async () => {
    expect(await ids(await rest(`${TABLE}?select=id&order=id.desc&order=id.asc`))).toEqual([5, 4, 3, 2, 1]);
    const bad = await rest(`${TABLE}?order=id.desc&order=id.sideways`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('PGRST100');
  });

  it('filters: every pair is a filter, whichever separator; + is a space', async () => {
    expect(await ids(await rest(`${TABLE}?select=id&id=gt.1;id=lt.4&order=id`))).toEqual([2, 3]);
    expect(await ids(await rest(`${TABLE}?select=id&name=eq.two+words`))).toEqual([4]);
  });
});

describe('rest reading: the Range header (ApiRequest.hs getRanges, RangeQuery.hs)', () => {
  it('Range: 0-1 on a GET reads rows 0..1: 200 with 0-1/* without a count, 206 with 0-1/5 with one', async () => {
    const res = await rest(`${TABLE}?select=id&order=id`, { headers: { Range: '0-1' } });
    expect([res.status, res.headers.get('content-range')]).toEqual([200, '0-1/*']);
    expect(await ids(res)).toEqual([1, 2]);
    const counted = await rest(`${TABLE}?select=id&order=id`, { headers: { Range: '0-1', Prefer: 'count=exact' } });
    expect([counted.status, counted.headers.get('content-range')]).toEqual([206, '0-1/5']);
    const open = await rest(`${TABLE}?select=id&order=id`, { headers: { Range: '3-' } });
    expect([open.headers.get('content-range'), await ids(open)]).toEqual(['3-4/*', [4, 5]]);
  });

  it('Range meets limit/offset: their intersection; a Range it does not parse means every row', async () => {
    expect(await ids(await rest(`${TABLE}?select=id&order=id&limit=1`, { headers: { Range: '0-3' } }))).toEqual([1]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id&offset=1`, { headers: { Range: '0-2' } }))).toEqual([2, 3]);
    expect(await ids(await rest(`${TABLE}?select=id&order=id`, { headers: { Range: 'items=0-1' } }))).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(await rest('/rpc/rest_reading_all?select=id', { headers: { Range: '1-2' } }))).toEqual([2, 3]);
  });

  it('Range: 5-2 is 416 PGRST103 (LowerGTUpper), without Content-Range', async () => {
    const res = await rest(TABLE, { headers: { Range: '5-2' } });
    expect(res.headers.get('content-range')).toBeNull();
    await refused(res, 416, { code: 'PGRST103', message: RANGE_ERROR, details: 'The lower boundary must be lower than or equal to the upper boundary in the Range header.' });
  });

  it('is read on GET only: HEAD and writes ignore it (RFC 9110, as getRanges)', async () => {
    const head = await rest(TABLE, { method: 'HEAD', headers: { Range: '0-1' } });
    expect([head.status, head.headers.get('content-range')]).toEqual([200, '0-4/*']);
    const patch = await rest(`${TABLE}?id=eq.5`, { method: 'PATCH', body: JSON.stringify({ note: 'y' }), headers: { Range: '5-2' } });
    expect(patch.status).toBe(204);
  });
});

describe('rest reading: Prefer (Preferences.hs)', () => {
  it('handling=strict with an unknown preference: 400 PGRST122, nothing written', async () => {
    const before = await rowIds();
    const res = await rest(TABLE, { method: 'POST', body: JSON.stringify({ id: 101, name: 'strict' }), headers: { Prefer: 'handling=strict, return=representation, nope, count=maybe' } });
    await refused(res, 400, { code: 'PGRST122', message: 'Invalid preferences given with handling=strict', details: 'Invalid preferences: nope, count=maybe' });
    expect(await rowIds()).toEqual(before);
    const read = await rest(TABLE, { headers: { Prefer: 'handling=strict,timezone=Mars/Olympus' } });
    await refused(read, 400, { code: 'PGRST122', message: 'Invalid preferences given with handling=strict', details: 'Invalid preferences: timezone=Mars/Olympus' });
  });

  it('without handling=strict unknown preferences are ignored, and ; is no separator', async () => {
    const res = await rest(TABLE, { method: 'POST', body: JSON.stringify({ id: 101, name: 'lenient' }), headers: { Prefer: 'nope, return=representation;count=exact' } });
    // `return=representation;count=exact` is one token PostgREST does not know: no representation.
    expect([res.status, await res.text(), res.headers.get('preference-applied')]).toEqual([201, '', null]);
    expect(await rowIds()).toContain(101);
    await stack.db.query('delete from public.rest_reading_rows where id = 101');
  });

  it('several Prefer headers are one list; the first value of a preference wins', async () => {
    const headers = new Headers({ apikey: SERVICE_ROLE_KEY, Authorization: `Bearer ${SERVICE_ROLE_KEY}` });
    headers.append('Prefer', 'count=exact');
    headers.append('Prefer', 'count=planned, handling=lenient');
    const res = await fetch(`${stack.url}/rest/v1${TABLE}?select=id`, { headers });
    expect([res.headers.get('content-range'), res.headers.get('preference-applied')]).toEqual(['0-4/5', 'count=exact, handling=lenient']);
  });

  it('count=exact|planned|estimated are read; another value is ignored', async () => {
    const exact = await rest(`${TABLE}?select=id&limit=2`, { headers: { Prefer: 'count=exact' } });
    expect([exact.status, exact.headers.get('content-range')]).toEqual([206, '0-1/5']);
    const planned = await rest(`${TABLE}?select=id&limit=2`, { headers: { Prefer: 'count=planned' } });
    expect(planned.headers.get('content-range')).toMatch(/^0-1\/\d+$/);
    expect(planned.headers.get('preference-applied')).toBe('count=planned');
    const bogus = await rest(`${TABLE}?select=id&limit=2`, { headers: { Prefer: 'count=all' } });
    expect([bogus.status, bogus.headers.get('content-range'), bogus.headers.get('preference-applied')]).toEqual([200, '0-1/*', null]);
  });

  it('return=minimal|headers-only|representation, missing=default|null and resolution in Preference-Applied', async () => {
    const minimal = await rest(TABLE, { method: 'POST', body: JSON.stringify({ id: 102, name: 'm' }), headers: { Prefer: 'return=minimal, missing=null' } });
    expect([minimal.status, await minimal.text(), minimal.headers.get('preference-applied')]).toEqual([201, '', 'missing=null, return=minimal']);
    const headersOnly = await rest(TABLE, { method: 'POST', body: JSON.stringify({ id: 103, name: 'h' }), headers: { Prefer: 'return=headers-only' } });
    expect([headersOnly.status, await headersOnly.text(), headersOnly.headers.get('preference-applied')]).toEqual([201, '', 'return=headers-only']);
    // Statements.hs/SqlFragment.hs locationF: one inserted row's primary key, for headers-only only.
    expect([headersOnly.headers.get('location'), minimal.headers.get('location')]).toEqual(['/rest_reading_rows?id=eq.103', null]);
    const merged = await rest(`${TABLE}?select=id,name,amount`, {
      method: 'POST',
      body: JSON.stringify([{ id: 103, name: 'h2' }]),
      headers: { Prefer: 'resolution=merge-duplicates, missing=default, return=representation' },
    });
    expect([merged.status, await merged.json(), merged.headers.get('preference-applied')]).toEqual([
      200,
      [{ id: 103, name: 'h2', amount: 0 }],
      'resolution=merge-duplicates, missing=default, return=representation',
    ]);
    const deleted = await rest(`${TABLE}?id=in.(102,103)&select=id`, { method: 'DELETE', headers: { Prefer: 'return=representation, missing=default' } });
    expect([await ids(deleted), deleted.headers.get('preference-applied')]).toEqual([[102, 103], 'return=representation']);
  });

  it('timezone= a pg_timezone_names name sets the transaction time zone; another is ignored', async () => {
    const res = await rest(`${TABLE}?select=at&id=eq.1`, { headers: { Prefer: 'timezone=America/Los_Angeles' } });
    expect([await res.json(), res.headers.get('preference-applied')]).toEqual([[{ at: '2026-01-01T04:00:00-08:00' }], 'timezone=America/Los_Angeles']);
    const unknown = await rest(`${TABLE}?select=id&id=eq.1`, { headers: { Prefer: 'timezone=Mars/Olympus' } });
    expect([unknown.status, unknown.headers.get('preference-applied')]).toEqual([200, null]);
  });
});

describe('rest reading: Prefer max-affected (MainTx.hs failExceedsMaxAffectedPref, PostgREST 12+)', () => {
  it('update/delete affecting more rows than max-affected with handling=strict: 400 PGRST124, nothing written', async () => {
    const before = await amounts();
    const patch = await rest(`${TABLE}?id=in.(1,2)`, { method: 'PATCH', body: JSON.stringify({ amount: 7 }), headers: { Prefer: 'handling=strict, max-affected=1' } });
    await refused(patch, 400, { code: 'PGRST124', message: 'Query result exceeds max-affected preference constraint', details: 'The query affects 2 rows' });
    const del = await rest(`${TABLE}?id=in.(1,2)`, { method: 'DELETE', headers: { Prefer: 'handling=strict, max-affected=1, return=representation' } });
    await refused(del, 400, { code: 'PGRST124', message: 'Query result exceeds max-affected preference constraint', details: 'The query affects 2 rows' });
    expect(await amounts()).toEqual(before);
    expect(await rowIds()).toEqual([1, 2, 3, 4, 5]);
  });

  it('within the limit it writes and is applied; without handling=strict it is ignored', async () => {
    const ok = await rest(`${TABLE}?id=eq.1`, { method: 'PATCH', body: JSON.stringify({ amount: 1 }), headers: { Prefer: 'handling=strict, max-affected=1' } });
    expect([ok.status, ok.headers.get('preference-applied')]).toEqual([204, 'handling=strict, max-affected=1']);
    const lenient = await rest(`${TABLE}?id=in.(1,2)`, { method: 'PATCH', body: JSON.stringify({ amount: 0 }), headers: { Prefer: 'max-affected=1' } });
    expect([lenient.status, lenient.headers.get('preference-applied')]).toEqual([204, null]);
    expect(await amounts()).toEqual([0, 0, 0, 0, 0]);
  });

  it('rpc: a set-returning call returning more rows is refused and rolled back; a non-set function is 400 PGRST128', async () => {
    const res = await rest('/rpc/rest_reading_bump', { method: 'POST', body: JSON.stringify({ p_ids: [1, 2, 3] }), headers: { Prefer: 'handling=strict, max-affected=2' } });
    await refused(res, 400, { code: 'PGRST124', message: 'Query result exceeds max-affected preference constraint', details: 'The query affects 3 rows' });
    expect(await amounts()).toEqual([0, 0, 0, 0, 0]);
    const single = await rest('/rpc/rest_reading_total', { headers: { Prefer: 'handling=strict, max-affected=2' } });
    await refused(single, 400, { code: 'PGRST128', message: 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict' });
  });
});

describe('rest reading: Prefer tx= (MainTx.hs optionalRollback; only where db-tx-end allows it)', () => {
  it('as Supabase runs PostgREST (db-tx-end = commit) tx=rollback is not honoured: the write commits', async () => {
    const { data, error, status } = await sb.from('rest_reading_rows').insert({ id: 110, name: 'kept' }).select('id').rollback();
    expect([error, status, data]).toEqual([null, 201, [{ id: 110 }]]);
    expect(await rowIds()).toContain(110);
    // tx= is an accepted preference even then: no PGRST122 with handling=strict.
    const strict = await rest(`${TABLE}?id=eq.110`, { method: 'DELETE', headers: { Prefer: 'handling=strict, tx=rollback' } });
    expect([strict.status, strict.headers.get('preference-applied')]).toEqual([204, 'handling=strict']);
    expect(await rowIds()).not.toContain(110);
  });

  it('where allowed, tx=rollback runs the write, answers as if committed, and rolls it back', async () => {
    const tx = serviceClient(txStack);
    const res = await rest(`${TABLE}?select=id,name`, { method: 'POST', body: JSON.stringify({ id: 111, name: 'gone' }), headers: { Prefer: 'return=representation, tx=rollback' } }, txStack);
    expect([res.status, await res.json(), res.headers.get('preference-applied')]).toEqual([201, [{ id: 111, name: 'gone' }], 'return=representation, tx=rollback']);
    const viaJs = await tx.from('rest_reading_rows').update({ amount: 9 }).eq('id', 1).select('id, amount').rollback();
    expect([viaJs.error, viaJs.data]).toEqual([null, [{ id: 1, amount: 9 }]]);
    const rpc = await tx.rpc('rest_reading_bump', { p_ids: [1] }).select('amount').rollback();
    expect(rpc.data).toEqual([{ amount: 1 }]);
    expect(await rowIds(txStack)).toEqual([1, 2, 3, 4, 5]);
    expect(await amounts(txStack)).toEqual([0, 0, 0, 0, 0]);
    const committed = await rest(`${TABLE}?id=eq.1`, { method: 'PATCH', body: JSON.stringify({ amount: 0 }), headers: { Prefer: 'tx=commit' } }, txStack);
    expect(committed.headers.get('preference-applied')).toBe('tx=commit');
  });
});

describe('rest reading: Accept: text/csv (SqlFragment.hs asCsvF)', () => {
  it('answers a header line and each row as Postgres record text, quoted where record_out quotes', async () => {
    const { data, error } = await sb.from('rest_reading_rows').select('id,name,note').order('id').csv();
    expect(error).toBeNull();
    expect(data).toBe(['id,name,note', '1,plain,', '2,"with, comma","say ""hi"""', '3,"","back\\\\slash"', '4,"two words",x', '5,e,y'].join('\n'));
    const res = await rest(`${TABLE}?select=id&id=eq.1`, { headers: { Accept: 'text/csv' } });
    expect([res.headers.get('content-type'), await res.text()]).toEqual(['text/csv; charset=utf-8', 'id\n1']);
    const none = await rest(`${TABLE}?select=id&id=eq.0`, { headers: { Accept: 'text/csv' } });
    expect(await none.text()).toBe('\n');
  });

  it('also for rpc and for a write that returns its rows', async () => {
    const rpc = await rest('/rpc/rest_reading_all?select=id,name&limit=2', { headers: { Accept: 'text/csv' } });
    expect(await rpc.text()).toBe('id,name\n1,plain\n2,"with, comma"');
    // A function returning a scalar: its one column is pgrst_scalar (QueryBuilder.hs callPlanToQuery).
    const scalar = await rest('/rpc/rest_reading_total', { headers: { Accept: 'text/csv' } });
    expect(await scalar.text()).toBe('pgrst_scalar\n0');
    const patch = await rest(`${TABLE}?id=eq.5&select=id,note`, { method: 'PATCH', body: JSON.stringify({ note: 'y' }), headers: { Accept: 'text/csv', Prefer: 'return=representation' } });
    expect([patch.status, patch.headers.get('content-type'), await patch.text()]).toEqual([200, 'text/csv; charset=utf-8', 'id,note\n5,y']);
    // The header of a write or a call is read from pgrst_source: Plan.hs inferColsEmbedNeeds (selected
    // columns + primary key, a Set, so sorted) and QueryBuilder.hs callPlanToQuery (+ filtered columns);
    // the rows keep the select's order.
    const reordered = await rest(`${TABLE}?id=eq.5&select=note,id`, { method: 'PATCH', body: JSON.stringify({ note: 'y' }), headers: { Accept: 'text/csv', Prefer: 'return=representation' } });
    expect(await reordered.text()).toBe('id,note\ny,5');
    const filtered = await rest('/rpc/rest_reading_all?select=name&id=eq.1', { headers: { Accept: 'text/csv' } });
    expect(await filtered.text()).toBe('id,name\nplain');
    const all = await rest('/rpc/rest_reading_all?id=eq.1', { headers: { Accept: 'text/csv' } });
    expect((await all.text()).split('\n')[0]).toBe('id,name,note,amount,at');
  });
});

describe('rest reading: Accept (Plan.hs negotiateContent, MediaType.hs)', () => {
  it('a media type the stack does not produce is 406 PGRST107, nothing read or written', async () => {
    await refused(await rest(TABLE, { headers: { Accept: 'application/xml' } }), 406, { code: 'PGRST107', message: 'None of these media types are available: application/xml' });
    const before = await rowIds();
    const post = await rest(TABLE, { method: 'POST', body: JSON.stringify({ id: 130, name: 'xml' }), headers: { Accept: 'text/plain' } });
    await refused(post, 406, { code: 'PGRST107', message: 'None of these media types are available: text/plain' });
    expect(await rowIds()).toEqual(before);
  });

  it('q and order choose among acceptable types; nulls=stripped strips only the vendor types', async () => {
    const json = await rest(`${TABLE}?select=id,note&id=eq.1`, { headers: { Accept: 'text/csv;q=0.5, application/json' } });
    expect([json.headers.get('content-type'), await json.json()]).toEqual(['application/json; charset=utf-8', [{ id: 1, note: null }]]);
    const notStripped = await rest(`${TABLE}?select=id,note&id=eq.1`, { headers: { Accept: 'application/json;nulls=stripped' } });
    expect(await notStripped.json()).toEqual([{ id: 1, note: null }]);
    const stripped = await rest(`${TABLE}?select=id,note&id=eq.1`, { headers: { Accept: 'application/vnd.pgrst.array+json;nulls=stripped' } });
    expect([stripped.headers.get('content-type'), await stripped.json()]).toEqual(['application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8', [{ id: 1 }]]);
    const one = await rest(`${TABLE}?select=id,note&id=eq.1`, { headers: { Accept: 'application/vnd.pgrst.object+json;nulls=stripped' } });
    expect([one.headers.get('content-type'), await one.json()]).toEqual(['application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8', { id: 1 }]);
  });
});

describe('rest reading: Accept-Profile / Content-Profile (ApiRequest.hs getSchema; [api] schemas of config.toml)', () => {
  const hint = () => `Only the following schemas are exposed: ${stack.config.api.schemas.join(', ')}`;

  it('a schema that is not exposed is 406 PGRST106 before anything is read or written', async () => {
    const { error, status } = await sb.schema('private').from('rest_reading_rows').select('id');
    expect([status, error]).toMatchObject([406, { code: 'PGRST106', message: 'Invalid schema: private', details: null, hint: hint() }]);
    const before = await rowIds();
    const post = await rest(TABLE, { method: 'POST', body: JSON.stringify({ id: 120, name: 'profile' }), headers: { 'Content-Profile': 'private' } });
    await refused(post, 406, { code: 'PGRST106', message: 'Invalid schema: private', hint: hint() });
    // POST reads Content-Profile, not Accept-Profile.
    const accept = await rest(TABLE, { method: 'POST', body: JSON.stringify({ id: 120, name: 'profile' }), headers: { 'Accept-Profile': 'private', 'Content-Profile': 'public' } });
    expect(accept.status).toBe(201);
    expect(await rowIds()).toEqual([...before, 120]);
    await stack.db.query('delete from public.rest_reading_rows where id = 120');
  });

  it('the exposed schemas are read; with several exposed, responses carry Content-Profile', async () => {
    expect(stack.config.api.schemas).toContain('public');
    const res = await rest(`${TABLE}?select=id&id=eq.1`, { headers: { 'Accept-Profile': 'public' } });
    expect([res.status, res.headers.get('content-profile')]).toEqual([200, 'public']);
    if (stack.config.api.schemas.length > 1) {
      const other = stack.config.api.schemas.find((s) => s !== 'public') ?? '';
      const missing = await rest(TABLE, { headers: { 'Accept-Profile': other } });
      await refused(missing, 404, { code: 'PGRST205', message: `Could not find the table '${other}.rest_reading_rows' in the schema cache` });
      expect((await rest(`${TABLE}?select=id&id=eq.1`)).headers.get('content-profile')).toBe('public');
    }
  });
});
