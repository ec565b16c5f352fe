import type { Condition } from './logic.ts';
import type { Filter, OrderTerm, Selection } from './params.ts';
import { isLogicTree } from './logic.ts';
import { quoteIdent } from '../db/sql.ts';

/** Collects bind parameters; every value reaches SQL as $n, never as text in the statement. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function col(qualifier: string, name: string): string {
  return `${quoteIdent(qualifier)}.${quoteIdent(name)}`;
}

const COMPARE: Record<string, string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike' };
const IS_SQL: Record<string, string> = { null: 'is null', not_null: 'is not null', true: 'is true', false: 'is false', unknown: 'is unknown' };

export function filterSql(f: Filter, qualifier: string, p: Params): string {
  const target = col(qualifier, f.column);
  let expr: string;
  if (f.op === 'in') {
    expr = f.values.length === 0 ? 'false' : `${target} in (${f.values.map((v) => p.add(v)).join(', ')})`;
  } else if (f.op === 'is') {
    expr = `${target} ${IS_SQL[f.value]}`;
  } else {
    const value = f.op === 'like' || f.op === 'ilike' ? f.value.replace(/\*/g, '%') : f.value;
    expr = `${target} ${COMPARE[f.op]} ${p.add(value)}`;
  }
  return f.negate ? `not (${expr})` : expr;
}

export function conditionSql(c: Condition, qualifier: string, p: Params): string {
  if (!isLogicTree(c)) return filterSql(c, qualifier, p);
  const joined = c.items.map((item) => `(${conditionSql(item, qualifier, p)})`).join(` ${c.logic} `);
  return c.negate ? `not (${joined})` : `(${joined})`;
}

export function whereSql(filters: Condition[], qualifier: string, p: Params): string {
  return filters.length ? ` where ${filters.map((f) => conditionSql(f, qualifier, p)).join(' and ')}` : '';
}

export function selectSql(selection: Selection, qualifier: string): string {
  if (selection === null) return `${quoteIdent(qualifier)}.*`;
  return selection.map((s) => (s.alias ? `${col(qualifier, s.column)} as ${quoteIdent(s.alias)}` : col(qualifier, s.column))).join(', ');
}

export function orderSql(order: OrderTerm[], qualifier: string): string {
  if (!order.length) return '';
  const terms = order.map((o) => `${col(qualifier, o.column)} ${o.direction}${o.nulls ? ` nulls ${o.nulls}` : ''}`);
  return ` order by ${terms.join(', ')}`;
}

export interface ReadShape {
  /** FROM item, already aliased with `qualifier` (a table, a function call, or a CTE). */
  from: string;
  qualifier: string;
  /** rows are bare values (functions returning scalars) */
  scalar: boolean;
  selection: Selection;
  filters: Condition[];
  order: OrderTerm[];
  limit: number | null;
  offset: number | null;
  count: boolean;
  /** leading `with …` CTEs (writes) */
  prefix?: string;
}

/**
 * One statement that answers like PostgREST: json built by the database (so values use Postgres's
 * to_json formats), the page size, the first element (for scalars and `.single()`), the exact total.
 */
export function readSql(shape: ReadShape, p: Params): string {
  const where = whereSql(shape.filters, shape.qualifier, p);
  const cols = shape.scalar ? `${quoteIdent(shape.qualifier)} as pgrst_scalar` : selectSql(shape.selection, shape.qualifier);
  const limit = shape.limit !== null ? ` limit ${shape.limit}` : '';
  const offset = shape.offset ? ` offset ${shape.offset}` : '';
  const inner = `select ${cols} from ${shape.from}${where}${orderSql(shape.order, shape.qualifier)}${limit}${offset}`;
  const total = shape.count ? `(select count(*) from ${shape.from}${where})` : 'null::bigint';
  const item = shape.scalar ? '_pgrst_r.pgrst_scalar' : '_pgrst_r';
  return `${shape.prefix ?? ''}select ${total} as total, count(*)::int as page_count,
  coalesce(json_agg(${item}), '[]')::text as body, (json_agg(${item})->0)::text as first
  from (${inner}) _pgrst_r`;
}

export interface ReadResult {
  total: number | null;
  page_count: number;
  body: string;
  first: string | null;
}
