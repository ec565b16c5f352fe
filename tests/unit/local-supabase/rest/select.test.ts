import { describe, expect, it } from 'vitest';
import { MAX_EMBED_DEPTH } from '../../../../local-supabase/rest/cursor.ts';
import { parseSelect } from '../../../../local-supabase/rest/select.ts';
import { restError } from './rest-error.ts';

describe('select', () => {
  it('reads *, columns, aliases, casts and JSON paths', () => {
    expect(parseSelect(undefined)).toEqual([{ type: 'star' }]);
    expect(parseSelect('')).toEqual([]);
    expect(parseSelect('id, qty:quantity ,total::text,data->a->>b')).toEqual([
      { type: 'field', field: { name: 'id', json: [] }, alias: null, cast: null, aggregate: null },
      { type: 'field', field: { name: 'quantity', json: [] }, alias: 'qty', cast: null, aggregate: null },
      { type: 'field', field: { name: 'total', json: [] }, alias: null, cast: 'text', aggregate: null },
      { type: 'field', field: { name: 'data', json: [{ arrow: '->', key: 'a', index: false }, { arrow: '->>', key: 'b', index: false }] }, alias: null, cast: null, aggregate: null },
    ]);
  });

  it('reads embedded resources with aliases, hints, join types and spreads', () => {
    expect(parseSelect('*,customer:customers!tickets_customer_id_fkey!inner(full_name),tickets!left(*),...products(name),empty()')).toEqual([
      { type: 'star' },
      { type: 'relation', name: 'customers', alias: 'customer', hint: 'tickets_customer_id_fkey', join: 'inner', spread: false, children: [expect.objectContaining({ type: 'field' })] },
      { type: 'relation', name: 'tickets', alias: null, hint: null, join: 'left', spread: false, children: [{ type: 'star' }] },
      { type: 'relation', name: 'products', alias: null, hint: null, join: null, spread: true, children: [expect.objectContaining({ type: 'field' })] },
      { type: 'relation', name: 'empty', alias: null, hint: null, join: null, spread: false, children: [] },
    ]);
  });

  it('reads pg_sleep(5) as an embedding, as PostgREST does (it then fails as PGRST200)', () => {
    expect(parseSelect('*,pg_sleep(5)')[1]).toMatchObject({ type: 'relation', name: 'pg_sleep', children: [{ type: 'field', field: { name: '5' } }] });
  });

  it('reads aggregates (refused later, as on Supabase)', () => {
    expect(parseSelect('count(),total.sum()')).toMatchObject([{ aggregate: 'count' }, { aggregate: 'sum' }]);
  });

  it('words JSON path errors as PostgREST 14 does (its spec: JsonOperatorSpec)', () => {
    expect(restError(() => parseSelect('data->(!@#$%^&*_d->>!@#$%^&*_e::integer')).body()).toEqual({
      code: 'PGRST100',
      details: 'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()',
      hint: null,
      message: '"failed to parse select parameter (data->(!@#$%^&*_d->>!@#$%^&*_e::integer)" (line 1, column 7)',
    });
    expect(restError(() => parseSelect('data->>--34')).body()).toMatchObject({ details: 'unexpected "-" expecting digit', message: '"failed to parse select parameter (data->>--34)" (line 1, column 9)' });
  });

  it('refuses what is not the grammar with PGRST100', () => {
    for (const raw of ['id[', 'a b c!', '*x', 'a,,b', 'rel(a', '"open']) {
      const err = restError(() => parseSelect(raw));
      expect(err.code).toBe('PGRST100');
      expect(err.message).toMatch(/^"failed to parse select parameter \(.*\)" \(line 1, column \d+\)$/);
    }
  });

  it(`accepts ${MAX_EMBED_DEPTH} levels of embedding and refuses deeper ones`, () => {
    const nest = (n: number) => `${'a('.repeat(n)}id${')'.repeat(n)}`;
    expect(() => parseSelect(nest(MAX_EMBED_DEPTH))).not.toThrow();
    for (const depth of [MAX_EMBED_DEPTH + 1, 5_000, 100_000]) {
      const err = restError(() => parseSelect(nest(depth)));
      expect(err.code).toBe('PGRST100');
      expect(err.details).toBe(`nesting deeper than ${MAX_EMBED_DEPTH} levels is not accepted`);
    }
  });
});
