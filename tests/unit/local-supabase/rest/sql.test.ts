import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../../local-supabase/rest/params.ts';
import { fnAccepts, toFnInfo } from '../../../../local-supabase/rest/schema.ts';
import { filterSql, orderSql, Params, selectSql } from '../../../../local-supabase/rest/sql.ts';

describe('filterSql', () => {
  it('binds values as parameters and quotes identifiers', () => {
    const p = new Params();
    expect(filterSql(parseFilter('name', "eq.x'; drop table t; --"), 't', p)).toBe('"t"."name" = $1');
    expect(p.values).toEqual(["x'; drop table t; --"]);
    expect(filterSql(parseFilter('"we""ird"', 'in.(a,b)'), 't', p)).toBe('"t"."we""ird" in ($2, $3)');
    expect(filterSql(parseFilter('name', 'like.*abc*'), 't', p)).toBe('"t"."name" like $4');
    expect(p.values[3]).toBe('%abc%');
    expect(filterSql(parseFilter('tag', 'not.is.null'), 't', p)).toBe('not ("t"."tag" is null)');
    expect(filterSql(parseFilter('tag', 'in.()'), 't', p)).toBe('false');
  });
});

describe('selectSql and orderSql', () => {
  it('renders aliases, * and nulls placement', () => {
    expect(selectSql(null, 'tickets')).toBe('"tickets".*');
    expect(selectSql([{ column: 'qty', alias: 'quantity' }], 't')).toBe('"t"."qty" as "quantity"');
    expect(orderSql([{ column: 'id', direction: 'desc', nulls: 'last' }], 't')).toBe(' order by "t"."id" desc nulls last');
  });
});

describe('function signatures', () => {
  const kpis = toFnInfo({
    name: 'dashboard_kpis',
    volatility: 's',
    retset: false,
    nargdefaults: 2,
    argnames: ['p_from', 'p_to'],
    argmodes: null,
    alltypes: ['timestamp with time zone', 'timestamp with time zone'],
    ret_typtype: 'b',
    ret_type: 'jsonb',
  });
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
  });
});
