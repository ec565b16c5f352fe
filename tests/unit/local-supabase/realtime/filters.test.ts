import { describe, expect, it } from 'vitest';
import {
  arrayLiteralLength,
  parseFilter,
  parseSubscriptionParams,
  splitTopLevel,
} from '../../../../local-supabase/realtime/filters.ts';

describe('realtime filter parsing', () => {
  it('parses every supported operator', () => {
    for (const op of ['eq', 'neq', 'lt', 'lte', 'gt', 'gte']) {
      expect(parseFilter(`price=${op}.10`)).toEqual({ ok: true, value: [{ column: 'price', op, value: '10' }] });
    }
    expect(parseFilter('status=in.(open,"in progress")')).toEqual({
      ok: true,
      value: [{ column: 'status', op: 'in', value: '{open,"in progress"}' }],
    });
  });

  it('splits comma-AND at top level only', () => {
    expect(splitTopLevel('a=eq.1,b=in.(x,y),c=eq."p,q"')).toEqual(['a=eq.1', 'b=in.(x,y)', 'c=eq."p,q"']);
    expect(parseFilter('id=gt.0, id=lt.100')).toEqual({
      ok: true,
      value: [
        { column: 'id', op: 'gt', value: '0' },
        { column: 'id', op: 'lt', value: '100' },
      ],
    });
  });

  it('unquotes PostgREST-quoted values', () => {
    expect(parseFilter('name=eq."a,b \\"c\\""')).toEqual({ ok: true, value: [{ column: 'name', op: 'eq', value: 'a,b "c"' }] });
  });

  it('treats an empty filter as no filter and rejects empty segments', () => {
    expect(parseFilter('   ')).toEqual({ ok: true, value: [] });
    expect(parseFilter('a=eq.1,,b=eq.2')).toEqual({
      ok: false,
      error: 'filter must not contain empty segments (check for extra commas)',
    });
  });

  it('reports bad filters with the messages Realtime sends', () => {
    expect(parseFilter('subject=foo.hey')).toEqual({ ok: false, error: '["foo", "hey"]' });
    expect(parseFilter('undefined')).toEqual({ ok: false, error: '["undefined"]' });
    expect(parseFilter('status=like.open%')).toEqual({ ok: false, error: '["like", "open%"]' });
    expect(parseFilter('id=in.1,2')).toEqual({ ok: false, error: '`in` filter value must be wrapped by parentheses' });
  });

  it('builds subscription params like parse_subscription_params', () => {
    expect(parseSubscriptionParams({ event: 'insert', schema: 'public', table: 'tickets', filter: 'a=eq.1' })).toEqual({
      ok: true,
      value: { action: 'INSERT', schema: 'public', table: 'tickets', conditions: [{ column: 'a', op: 'eq', value: '1' }] },
    });
    expect(parseSubscriptionParams({ event: 'whatever', schema: 'public' })).toMatchObject({
      ok: true,
      value: { action: '*', schema: 'public', table: '*' },
    });
    expect(parseSubscriptionParams({ table: 'tickets' })).toMatchObject({ ok: true, value: { schema: 'public' } });
    expect(parseSubscriptionParams({ schema: 'public', table: 't', filter: 'x=bad.1' })).toEqual({
      ok: false,
      error: 'Error parsing `filter` params: ["bad", "1"]',
    });
    expect(parseSubscriptionParams({})).toEqual({
      ok: false,
      error: 'No subscription params provided. Please provide at least a `schema` or `table` to subscribe to: %{}',
    });
  });

  it('counts in-list values for the 100-value cap', () => {
    expect(arrayLiteralLength('{a,b,"c,d"}')).toBe(3);
    expect(arrayLiteralLength('{}')).toBe(0);
  });
});
