import { describe, expect, it } from 'vitest';
import type { FnInfo } from '../../../../local-supabase/rest/functions.ts';
import { compareOverloads, fnAccepts, isCallable, takesWholeBody, toFnInfo } from '../../../../local-supabase/rest/functions.ts';

const row = (name: string, argnames: string[] | null, alltypes: string[], nargdefaults = 0) =>
  toFnInfo({ name, volatility: 's', retset: false, nargdefaults, argnames, argmodes: null, alltypes, ret_typtype: 'b', ret_type: 'jsonb', ret_table: null });

describe('function signatures', () => {
  const kpis = row('dashboard_kpis', ['p_from', 'p_to'], ['timestamp with time zone', 'timestamp with time zone'], 2);
  const series = toFnInfo({
    name: 'revenue_series',
    volatility: 's',
    retset: true,
    nargdefaults: 2,
    argnames: ['p_from', 'p_to', 'p_bucket', 'p_tz', 'bucket_start', 'revenue_cents', 'orders_count'],
    argmodes: ['i', 'i', 'i', 'i', 't', 't', 't'],
    alltypes: ['timestamp with time zone', 'timestamp with time zone', 'text', 'text', 'timestamp with time zone', 'bigint', 'integer'],
    ret_typtype: 'p',
    ret_type: 'record',
    ret_table: null,
  });

  it('reads inputs, defaults and result shape from the catalog row', () => {
    expect(kpis.args.map((a) => a.hasDefault)).toEqual([true, true]);
    expect(kpis.returnsComposite).toBe(false);
    expect(series.args.map((a) => a.name)).toEqual(['p_from', 'p_to', 'p_bucket', 'p_tz']);
    expect(series.args.map((a) => a.hasDefault)).toEqual([false, false, true, true]);
    expect(series.returnsComposite).toBe(true);
  });

  it('matches calls by argument names like PostgREST', () => {
    expect(fnAccepts(kpis, [])).toBe(true);
    expect(fnAccepts(kpis, ['p_from'])).toBe(true);
    expect(fnAccepts(kpis, ['p_form'])).toBe(false);
    expect(fnAccepts(series, ['p_from'])).toBe(false);
    expect(fnAccepts(series, ['p_from', 'p_to', 'p_tz'])).toBe(true);
    expect(fnAccepts(row('f', null, []), [], true, 'text')).toBe(false);
  });

  it('exposes functions with unnamed parameters only for a single bytea/json/jsonb/text/xml one', () => {
    expect(isCallable(row('f', null, ['integer']))).toBe(false);
    expect(isCallable(row('f', ['', 'b'], ['json', 'integer']))).toBe(true);
    expect(isCallable(row('f', null, ['integer', 'integer']))).toBe(false);
    for (const t of ['bytea', 'json', 'jsonb', 'text', 'xml']) expect(isCallable(row('f', null, [t]))).toBe(true);
  });

  it('gives the whole body to a single unnamed parameter of the body type, on POST only', () => {
    const json = row('f', null, ['jsonb']);
    expect(takesWholeBody(json, true, 'json')).toBe(true);
    expect(takesWholeBody(json, false, 'json')).toBe(false);
    expect(takesWholeBody(row('f', null, ['text']), true, 'text')).toBe(true);
    expect(takesWholeBody(row('f', null, ['text']), true, 'json')).toBe(false);
    expect(fnAccepts(json, [''])).toBe(true);
  });

  it('orders overloads as PostgREST does: fewer parameters first', () => {
    const fns: FnInfo[] = [row('f', ['b', 'a'], ['int', 'int']), row('f', ['z'], ['int']), row('f', ['a', 'b'], ['int', 'int'])];
    expect(fns.sort(compareOverloads).map((f) => f.args.map((a) => a.name).join())).toEqual(['z', 'a,b', 'b,a']);
  });
});
