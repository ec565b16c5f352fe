import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { ANON_KEY } from '../../local-supabase/auth/keys.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { client, startTestStack } from './stack-setup.ts';

// Every PostgREST filter operator through the real supabase-js, on PGlite here and on
// PostgreSQL 15 in the database stage (DATABASE_URL): the expected ids are the same on both.
// The app's tables have no array, range or jsonb columns, so this file brings its own table.
const FIXTURES = `
drop table if exists public.rest_ops;
create table public.rest_ops (
  id int primary key, name text not null, qty int, tags text[] not null default '{}', span int4range,
  doc jsonb, body text, flag boolean,
  fts tsvector generated always as (to_tsvector('english', coalesce(body, ''))) stored
);
grant select on public.rest_ops to anon;
insert into public.rest_ops (id, name, qty, tags, span, doc, body, flag) values
  (1, 'alpha', 1, '{a,b}', '[1,5)', '{"k": 1, "tags": ["x"]}', 'the quick brown fox', true),
  (2, 'Beta', 2, '{b,c}', '[5,10)', '{"k": 2}', 'jumps over the lazy dog', false),
  (3, 'gamma', null, '{}', '[10,20)', null, 'a fat cat sat', null),
  (4, 'delta, with (comma)', 4, '{a}', '[20,30)', '{"k": 4, "nested": {"x": "y"}}', 'quick quick cats', true),
  (5, 'Épsilon', 5, '{c,d}', null, '{"k": 5}', null, false);`;

let stack: Stack;
let sb: SupabaseClient;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.db.exec(FIXTURES);
  await stack.reloadSchema();
  sb = client(stack);
});
afterAll(async () => {
  if (stack) {
    await stack.db.exec('drop table if exists public.rest_ops;');
    await stack.close();
  }
});

type Query = ReturnType<ReturnType<SupabaseClient['from']>['select']>;
async function ids(build: (q: Query) => Query): Promise<number[]> {
  const { data, error } = await build(sb.from('rest_ops').select('id')).order('id');
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return (data as { id: number }[]).map((r) => r.id);
}

function raw(query: string): Promise<Response> {
  return fetch(`${stack.url}/rest/v1/rest_ops?${query}`, { headers: { apikey: ANON_KEY } });
}

describe('rest operators: comparison and pattern', () => {
  it('eq, neq, gt, gte, lt, lte (NULL matches none of them)', async () => {
    expect(await ids((q) => q.eq('qty', 2))).toEqual([2]);
    expect(await ids((q) => q.neq('qty', 2))).toEqual([1, 4, 5]);
    expect(await ids((q) => q.gt('qty', 2))).toEqual([4, 5]);
    expect(await ids((q) => q.gte('qty', 2))).toEqual([2, 4, 5]);
    expect(await ids((q) => q.lt('qty', 2))).toEqual([1]);
    expect(await ids((q) => q.lte('qty', 2))).toEqual([1, 2]);
  });

  it('like, ilike and their (any)/(all) forms, * as the wildcard', async () => {
    expect(await ids((q) => q.like('name', '*ta*'))).toEqual([2, 4]);
    expect(await ids((q) => q.ilike('name', '*A*'))).toEqual([1, 2, 3, 4]);
    expect(await ids((q) => q.likeAnyOf('name', ['a*', 'B*']))).toEqual([1, 2]);
    expect(await ids((q) => q.likeAllOf('name', ['*a*', '*l*']))).toEqual([1, 4]);
    expect(await ids((q) => q.ilikeAnyOf('name', ['b*', 'G*']))).toEqual([2, 3]);
    expect(await ids((q) => q.ilikeAllOf('name', ['*A*', '*T*']))).toEqual([2, 4]);
  });

  it('match and imatch (regular expressions), with (any)/(all)', async () => {
    expect(await ids((q) => q.regexMatch('name', '^[a-d]'))).toEqual([1, 4]);
    expect(await ids((q) => q.regexIMatch('name', '^[a-d]'))).toEqual([1, 2, 4]);
    expect(await ids((q) => q.filter('name', 'match(any)', '{^a,^B}'))).toEqual([1, 2]);
    expect(await ids((q) => q.filter('name', 'imatch(all)', '{a,e}'))).toEqual([2, 4]);
  });

  it('eq(any), gt(all) and friends on numbers', async () => {
    expect(await ids((q) => q.filter('qty', 'eq(any)', '{1,5}'))).toEqual([1, 5]);
    expect(await ids((q) => q.filter('qty', 'gt(all)', '{1,2}'))).toEqual([4, 5]);
    expect(await ids((q) => q.filter('qty', 'lte(any)', '{1,2}'))).toEqual([1, 2]);
  });

  it('in (quoted values with commas and parentheses), not in', async () => {
    expect(await ids((q) => q.in('qty', [1, 4]))).toEqual([1, 4]);
    expect(await ids((q) => q.in('name', ['delta, with (comma)', 'alpha']))).toEqual([1, 4]);
    expect(await ids((q) => q.notIn('qty', [1, 4]))).toEqual([2, 5]);
    expect(await ids((q) => q.in('qty', []))).toEqual([]);
  });

  it('is null / not_null / true / false / unknown, and isdistinct', async () => {
    expect(await ids((q) => q.is('qty', null))).toEqual([3]);
    expect(await ids((q) => q.not('qty', 'is', null))).toEqual([1, 2, 4, 5]);
    expect(await ids((q) => q.filter('qty', 'is', 'not_null'))).toEqual([1, 2, 4, 5]);
    expect(await ids((q) => q.is('flag', true))).toEqual([1, 4]);
    expect(await ids((q) => q.is('flag', false))).toEqual([2, 5]);
    expect(await ids((q) => q.filter('flag', 'is', 'unknown'))).toEqual([3]);
    expect(await ids((q) => q.isDistinct('qty', 2))).toEqual([1, 3, 4, 5]);
    expect(await ids((q) => q.not('qty', 'isdistinct', 2))).toEqual([2]);
  });
});

describe('rest operators: arrays, json, ranges, full-text search', () => {
  it('cs, cd, ov on arrays', async () => {
    expect(await ids((q) => q.contains('tags', ['a']))).toEqual([1, 4]);
    expect(await ids((q) => q.containedBy('tags', ['a', 'b', 'c']))).toEqual([1, 2, 3, 4]);
    expect(await ids((q) => q.overlaps('tags', ['c', 'x']))).toEqual([2, 5]);
    expect(await ids((q) => q.not('tags', 'cs', '{a}'))).toEqual([2, 3, 5]);
  });

  it('cs and cd on jsonb, and JSON paths in filters', async () => {
    expect(await ids((q) => q.contains('doc', { k: 1 }))).toEqual([1]);
    expect(await ids((q) => q.containedBy('doc', { k: 2, z: 0 }))).toEqual([2]);
    expect(await ids((q) => q.eq('doc->>k', '2'))).toEqual([2]);
    expect(await ids((q) => q.eq('doc->nested->>x', 'y'))).toEqual([4]);
    expect(await ids((q) => q.gt('doc->k', 3))).toEqual([4, 5]);
  });

  it('sl, sr, nxl, nxr, adj, ov on ranges', async () => {
    expect(await ids((q) => q.rangeGt('span', '[1,5)'))).toEqual([2, 3, 4]);
    expect(await ids((q) => q.rangeLt('span', '[10,20)'))).toEqual([1, 2]);
    expect(await ids((q) => q.rangeGte('span', '[5,10)'))).toEqual([2, 3, 4]);
    expect(await ids((q) => q.rangeLte('span', '[5,10)'))).toEqual([1, 2]);
    expect(await ids((q) => q.rangeAdjacent('span', '[5,10)'))).toEqual([1, 3]);
    expect(await ids((q) => q.overlaps('span', '[4,6)'))).toEqual([1, 2]);
    expect(await ids((q) => q.not('span', 'sl', '[10,20)'))).toEqual([3, 4]);
  });

  it('fts, plfts, phfts, wfts with and without a language', async () => {
    expect(await ids((q) => q.textSearch('fts', 'quick & fox'))).toEqual([1]);
    expect(await ids((q) => q.textSearch('fts', 'cats', { config: 'english' }))).toEqual([3, 4]);
    expect(await ids((q) => q.textSearch('fts', 'quick fox', { type: 'plain', config: 'english' }))).toEqual([1]);
    expect(await ids((q) => q.textSearch('fts', 'lazy dog', { type: 'phrase', config: 'english' }))).toEqual([2]);
    expect(await ids((q) => q.textSearch('fts', '"quick brown" -dog', { type: 'websearch', config: 'english' }))).toEqual([1]);
    expect(await ids((q) => q.not('fts', 'fts', 'cat'))).toEqual([1, 2, 5]);
    expect(await ids((q) => q.filter('fts', 'not.wfts(english)', 'quick'))).toEqual([2, 3, 5]);
  });
});

describe('rest operators: logic trees', () => {
  it('or, and, nested and negated, combined with any operator', async () => {
    expect(await ids((q) => q.or('qty.eq.1,name.ilike.*PSI*'))).toEqual([1, 5]);
    expect(await ids((q) => q.or('tags.cs.{d},and(qty.gte.2,qty.lte.2)'))).toEqual([2, 5]);
    expect(await ids((q) => q.or('name.like(any).{a*,B*},qty.is.null'))).toEqual([1, 2, 3]);
    expect(await ids((q) => q.or('not.or(qty.eq.1,qty.eq.2)'))).toEqual([4, 5]);
    expect(await ids((q) => q.or('span.adj."[5,10)",fts.wfts(english).lazy,doc->>k.eq.5'))).toEqual([1, 2, 3, 5]);
    expect(await ids((q) => q.or('name.in.("delta, with (comma)",gamma),qty.isdistinct.1').gt('id', 2))).toEqual([3, 4, 5]);
  });

  it('and= and not.or= as query keys', async () => {
    const and = await raw('select=id&and=(qty.gte.2,flag.is.false)&order=id');
    expect(await and.json()).toEqual([{ id: 2 }, { id: 5 }]);
    const notOr = await raw('select=id&not.or=(qty.is.null,qty.gt.2)&order=id');
    expect(await notOr.json()).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('selects JSON paths named after their last key, and casts', async () => {
    const { data } = await sb.from('rest_ops').select('id, doc->k, x:doc->nested->>x, qty::text').eq('id', 4);
    expect(data).toEqual([{ id: 4, k: 4, x: 'y', qty: '4' }]);
  });
});
