import { describe, expect, it } from 'vitest';
import { parseQuery, queryPairs } from '../../../../local-supabase/rest/params.ts';
import type { Filter } from '../../../../local-supabase/rest/filter.ts';
import { restError } from './rest-error.ts';

function filter(key: string, value: string): Filter {
  const [f] = parseQuery([[key, value]]).filters;
  if (!f) throw new Error('no filter');
  return f.value;
}

describe('filters (PostgREST v14 grammar)', () => {
  it('reads every quantifiable operator, with (any) and (all)', () => {
    for (const op of ['eq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch']) {
      expect(filter('qty', `${op}.5`).operation).toEqual({ kind: 'quant', op, quant: null, value: '5' });
      expect(filter('qty', `${op}(any).{1,2}`).operation).toEqual({ kind: 'quant', op, quant: 'any', value: '{1,2}' });
      expect(filter('qty', `not.${op}(all).{1,2}`)).toMatchObject({ negate: true, operation: { op, quant: 'all' } });
    }
  });

  it('reads the single-value operators for arrays, ranges and json', () => {
    for (const op of ['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj']) {
      expect(filter('r', `${op}.[1,10)`).operation).toEqual({ kind: 'simple', op, value: '[1,10)' });
    }
    expect(filter('tags', 'cs.{a,"b c"}').operation).toMatchObject({ value: '{a,"b c"}' });
  });

  it('reads in, is, isdistinct and full-text search with a language', () => {
    expect(filter('s', 'in.(open,"a,b",  x )').operation).toEqual({ kind: 'in', values: ['open', 'a,b', '  x '] });
    expect(filter('s', 'in.()').operation).toEqual({ kind: 'in', values: [''] });
    for (const v of ['null', 'not_null', 'true', 'false', 'unknown']) expect(filter('t', `is.${v.toUpperCase()}`).operation).toEqual({ kind: 'is', value: v });
    expect(filter('n', 'isdistinct.3').operation).toEqual({ kind: 'isdistinct', value: '3' });
    for (const op of ['fts', 'plfts', 'phfts', 'wfts']) {
      expect(filter('doc', `${op}(english).the cat`).operation).toEqual({ kind: 'fts', op, lang: 'english', value: 'the cat' });
      expect(filter('doc', `not.${op}.cat`)).toMatchObject({ negate: true, operation: { op, lang: null } });
    }
  });

  it('keeps dots, quotes and parentheses inside top-level values', () => {
    expect(filter('email', 'eq.a.b@example.com').operation).toMatchObject({ value: 'a.b@example.com' });
    expect(filter('name', "eq.O'Brien (x)").operation).toMatchObject({ value: "O'Brien (x)" });
  });

  it('reads embedding paths and JSON paths in keys', () => {
    expect(parseQuery([['customers.full_name', 'ilike.*jane*']]).filters[0]).toMatchObject({ path: ['customers'], value: { field: { name: 'full_name', json: [] } } });
    expect(filter('data->a->>0', 'eq.1').field).toEqual({ name: 'data', json: [{ arrow: '->', key: 'a', index: false }, { arrow: '->>', key: '+0', index: true }] });
    expect(filter('"we.ird"', 'eq.1').field.name).toBe('we.ird');
  });

  it('refuses unknown operators with PGRST100 in PostgREST shape', () => {
    const err = restError(() => filter('qty', 'between.1'));
    expect(err.status).toBe(400);
    expect(err.body()).toEqual({ code: 'PGRST100', message: '"failed to parse filter (between.1)" (line 1, column 1)', details: 'unexpected "b" expecting "not" or operator (eq, gt, ...)', hint: null });
    expect(restError(() => filter('qty', 'not.between.1')).message).toBe('"failed to parse filter (not.between.1)" (line 1, column 5)');
    expect(restError(() => filter('t', 'is.maybe')).details).toBe('unexpected "m" expecting isVal: (null, not_null, true, false, unknown)');
    expect(restError(() => filter('s', 'in.open')).details).toBe('unexpected "o" expecting "("');
    expect(restError(() => filter('s', 'in.(a,b')).details).toBe('unexpected end of input expecting "," or ")"');
  });

  // http-types parseQueryReplacePlus (QueryParams.hs): `&` and `;` separate pairs, `+` is a space,
  // a key without `=` has no value; QueryParams.parse then drops it (nonemptyParams).
  it('reads query strings as PostgREST does: + is a space, ; separates, keys without = have no value', () => {
    expect(queryPairs('?a=eq.x+y&flag&b=%2C;c=%zz')).toEqual([['a', 'eq.x y'], ['flag', null], ['b', ','], ['c', '%zz']]);
    expect(parseQuery(queryPairs('?flag&a=eq.1')).filters).toHaveLength(1);
  });

  it('sorts keys into select, columns, on_conflict, order, limit, offset and filters by path', () => {
    const q = parseQuery(queryPairs('select=*&columns="a","b"&on_conflict=a&order=a.desc&tickets.order=b&limit=5&tickets.offset=2&limit=x&a=eq.1'));
    expect(q.select).toBe('*');
    expect(q.columns).toEqual(['a', 'b']);
    expect(q.onConflict).toEqual(['a']);
    expect(q.order.map((o) => o.path)).toEqual([['tickets'], []]); // reversed: Plan.hs addOrders is a foldr
    // QueryParams.hs ranges: HashMap.fromList keeps the last `limit` (x, not a number: no limit).
    expect(q.limit).toEqual([]);
    expect(q.offset).toEqual([{ path: ['tickets'], value: 2 }]);
    expect(q.filters).toHaveLength(1);
    expect(restError(() => parseQuery([['limit', '-1']])).body()).toMatchObject({ code: 'PGRST103', details: 'Limit should be greater than or equal to zero.' });
  });

  // QueryParams.hs parse: order, then and/or, then columns, then select, then filters, then on_conflict.
  it('reports the first failing parameter in the order QueryParams.parse reads them', () => {
    const failing = { order: 'x.sideways', or: '(a.eq)', columns: 'a,', select: 'a,(', f: 'nope.1', on_conflict: '' };
    const order = ['order', 'logic tree', 'columns', 'select', 'filter', 'on_conflict'];
    const entries = Object.entries(failing);
    for (let i = 0; i < entries.length; i++) {
      const pairs = entries.slice(i).reverse();
      expect(restError(() => parseQuery(pairs)).message).toContain(`failed to parse ${order[i]}`);
    }
  });

  it('lets GET rpc arguments through as plain values', () => {
    const q = parseQuery([['p_from', '2026-01-01'], ['status', 'eq.open']], true);
    expect(q.plain).toEqual([['p_from', '2026-01-01']]);
    expect(q.filters).toHaveLength(1);
  });
});
