import { describe, expect, it } from 'vitest';
import { RestError } from '../../../../local-supabase/rest/errors.ts';
import { parseLogicTree } from '../../../../local-supabase/rest/logic.ts';
import { parseFilter, parseInList, parseNonNegativeInt, parseOrder, parsePrefer, parseSelect } from '../../../../local-supabase/rest/params.ts';

function restError(fn: () => unknown): RestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RestError) return err;
    throw err;
  }
  throw new Error('expected a RestError');
}

describe('parseFilter', () => {
  it('reads every supported operator', () => {
    for (const op of ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike'] as const) {
      expect(parseFilter('qty', `${op}.5`)).toEqual({ column: 'qty', negate: false, op, value: '5' });
    }
    expect(parseFilter('status', 'in.(open,"a,b",ready)')).toEqual({ column: 'status', negate: false, op: 'in', values: ['open', 'a,b', 'ready'] });
    expect(parseFilter('tag', 'is.null')).toEqual({ column: 'tag', negate: false, op: 'is', value: 'null' });
    expect(parseFilter('tag', 'not.is.null')).toEqual({ column: 'tag', negate: true, op: 'is', value: 'null' });
  });

  it('keeps dots and quotes inside values', () => {
    expect(parseFilter('email', 'eq.a.b@example.com')).toMatchObject({ value: 'a.b@example.com' });
    expect(parseFilter('name', "eq.O'Brien")).toMatchObject({ value: "O'Brien" });
  });

  it('refuses unknown operators and odd column names with PGRST100', () => {
    expect(restError(() => parseFilter('qty', 'between.1')).code).toBe('PGRST100');
    expect(restError(() => parseFilter('qty', '5')).status).toBe(400);
    expect(restError(() => parseFilter('qty; drop table x', 'eq.1')).code).toBe('PGRST100');
    expect(restError(() => parseFilter('tag', 'is.maybe')).code).toBe('PGRST100');
  });

  it('accepts a double-quoted column name as one identifier', () => {
    expect(parseFilter('"odd ""name"""', 'eq.1')).toMatchObject({ column: 'odd "name"' });
  });
});

describe('parseInList', () => {
  it('splits on commas outside quotes and unescapes', () => {
    expect(parseInList('()')).toEqual([]);
    expect(parseInList('(1, 2 ,3)')).toEqual(['1', '2', '3']);
    expect(parseInList('("a\\"b"," c ")')).toEqual(['a"b', ' c ']);
  });
});

describe('parseSelect', () => {
  it('reads *, column lists and aliases', () => {
    expect(parseSelect(undefined)).toBeNull();
    expect(parseSelect('*')).toBeNull();
    expect(parseSelect('id, quantity:qty')).toEqual([
      { column: 'id', alias: null },
      { column: 'qty', alias: 'quantity' },
    ]);
  });

  it('refuses embedding and anything that is not a column', () => {
    expect(restError(() => parseSelect('id,customer(name)')).code).toBe('PGRST100');
    expect(restError(() => parseSelect('id from pg_roles')).code).toBe('PGRST100');
  });
});

describe('parseOrder, limits and Prefer', () => {
  it('reads directions and nulls placement', () => {
    expect(parseOrder('created_at.desc.nullslast,id')).toEqual([
      { column: 'created_at', direction: 'desc', nulls: 'last' },
      { column: 'id', direction: 'asc', nulls: null },
    ]);
    expect(restError(() => parseOrder('id.sideways')).code).toBe('PGRST100');
  });

  it('accepts only non-negative integers for limit and offset', () => {
    expect(parseNonNegativeInt('10', 'limit')).toBe(10);
    expect(parseNonNegativeInt(undefined, 'offset')).toBeNull();
    expect(restError(() => parseNonNegativeInt('-1', 'limit')).code).toBe('PGRST100');
    expect(restError(() => parseNonNegativeInt('1; drop', 'offset')).code).toBe('PGRST100');
  });

  it('reads the Prefer header as postgrest-js sends it', () => {
    expect(parsePrefer('return=representation,count=exact')).toEqual({ return: 'representation', count: 'exact', resolution: null, missingDefault: false });
    expect(parsePrefer('resolution=merge-duplicates, missing=default')).toMatchObject({ resolution: 'merge-duplicates', missingDefault: true });
    expect(parsePrefer(undefined)).toEqual({ return: null, count: null, resolution: null, missingDefault: false });
  });
});

describe('parseLogicTree', () => {
  it('reads or/and trees as postgrest-js builds them, nested and negated', () => {
    expect(parseLogicTree('or', '(qty.lt.2,and(tag.eq.y,name.not.is.null))')).toEqual({
      logic: 'or',
      negate: false,
      items: [
        { column: 'qty', negate: false, op: 'lt', value: '2' },
        {
          logic: 'and',
          negate: false,
          items: [
            { column: 'tag', negate: false, op: 'eq', value: 'y' },
            { column: 'name', negate: true, op: 'is', value: 'null' },
          ],
        },
      ],
    });
    expect(parseLogicTree('not.and', '(status.in.(open,ready),name.eq."a,b")')).toEqual({
      logic: 'and',
      negate: true,
      items: [
        { column: 'status', negate: false, op: 'in', values: ['open', 'ready'] },
        { column: 'name', negate: false, op: 'eq', value: 'a,b' },
      ],
    });
  });

  it('refuses malformed trees with PGRST100', () => {
    expect(restError(() => parseLogicTree('or', 'qty.lt.2')).code).toBe('PGRST100');
    expect(restError(() => parseLogicTree('or', '(qty)')).code).toBe('PGRST100');
  });
});
