import type { Field, Filter } from './filter.ts';
import type { CsvHeader } from './csv.ts';
import { csvHeaderSql } from './csv.ts';
import type { Condition } from './logic.ts';
import { isLogicTree } from './logic.ts';
import type { OrderTerm } from './params.ts';
import type { Embed, ReadNode } from './plan.ts';
import { hasAggregate, outputName, spreadOutput } from './plan.ts';
import type { SelectField } from './select.ts';
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

// Operators as PostgREST renders them (Query/SqlFragment.hs). Values are bound untyped, as
// PostgREST's unknown literals, so the database resolves them against the column's type.
const SIMPLE: Record<string, string> = { neq: '<>', cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-' };
const QUANT: Record<string, string> = { eq: '=', gte: '>=', gt: '>', lte: '<=', lt: '<', like: 'like', ilike: 'ilike', match: '~', imatch: '~*' };
const FTS: Record<string, string> = { fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery' };
const IS: Record<string, string> = { null: 'null', not_null: 'not null', true: 'true', false: 'false', unknown: 'unknown' };

/** `{"a","b \"c\""}`: PostgREST's pgBuildArrayLiteral. */
export function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export function fieldSql(qualifier: string, f: Field, p: Params): string {
  let out = col(qualifier, f.name);
  for (const step of f.json) out += `${step.arrow}${step.index ? `${p.add(step.key)}::int` : `${p.add(step.key)}::text`}`;
  return out;
}

export function filterSql(f: Filter, qualifier: string, p: Params): string {
  // PostgREST: "<agg alias> IS [NOT] DISTINCT FROM NULL" (not.is.null: the embedding exists).
  if (f.embedAlias) return `${quoteIdent(f.embedAlias)} is ${f.negate ? '' : 'not '}distinct from null`;
  const target = fieldSql(qualifier, f.field, p);
  const op = f.operation;
  let expr: string;
  switch (op.kind) {
    case 'simple':
      expr = `${target} ${SIMPLE[op.op]} ${p.add(op.value)}`;
      break;
    case 'quant': {
      const value = op.op === 'like' || op.op === 'ilike' ? op.value.replace(/\*/g, '%') : op.value;
      const operand = op.quant ? `${op.quant}(${p.add(value)})` : p.add(value);
      expr = `${target} ${QUANT[op.op]} ${operand}`;
      break;
    }
    case 'in':
      expr = op.values.length === 1 && op.values[0] === '' ? `${target} = any('{}')` : `${target} = any(${p.add(arrayLiteral(op.values))})`;
      break;
    case 'is':
      expr = `${target} is ${IS[op.value]}`;
      break;
    case 'isdistinct':
      expr = `${target} is distinct from ${p.add(op.value)}`;
      break;
    case 'fts':
      expr = `${target} @@ ${FTS[op.op]}(${op.lang !== null ? `${p.add(op.lang)}::regconfig, ` : ''}${p.add(op.value)})`;
      break;
  }
  return f.negate ? `not ${expr}` : expr;
}

export function conditionSql(c: Condition, qualifier: string, p: Params): string {
  if (!isLogicTree(c)) return filterSql(c, qualifier, p);
  const joined = c.items.map((item) => conditionSql(item, qualifier, p)).join(` ${c.logic} `);
  return `${c.negate ? 'not ' : ''}(${joined})`;
}

function isRowField(s: SelectField): boolean {
  return s.field.name === '*' && s.field.json.length === 0;
}

/** pgFmtSelectItem: AGG(CAST(field AS cast))::aggCast AS alias; `count()` counts rows (`*`). */
function selectFieldSql(qualifier: string, s: SelectField, p: Params): string {
  // `count()` hoisted out of a spread selects the whole row for the parent to count (cfFullRow)
  let expr = isRowField(s) ? (s.aggregate ? '*' : quoteIdent(qualifier)) : fieldSql(qualifier, s.field, p);
  if (s.cast) expr = `cast(${expr} as ${s.cast})`;
  if (s.aggregate) {
    expr = `${s.aggregate}(${expr})`;
    if (s.aggregateCast) expr = `cast(${expr} as ${s.aggregateCast})`;
  }
  // A JSON path is named after its last key, an aggregate after its function, as PostgREST does.
  return s.alias || s.field.json.length || s.aggregate || isRowField(s) ? `${expr} as ${quoteIdent(outputName(s))}` : expr;
}

/** groupF: with an aggregate here (or hoisted from a to-one spread), every other output is grouped. */
function groupSql(n: ReadNode, p: Params): string {
  const grouped = hasAggregate(n) || n.embeds.some((e) => e.spread && e.hoisted.size > 0);
  if (!grouped) return '';
  const terms: string[] = [];
  for (const f of n.fields) {
    if (f === '*' || f.aggregate) continue;
    terms.push(f.alias || f.field.json.length || isRowField(f) ? quoteIdent(outputName(f)) : fieldSql(n.qualifier, f.field, p));
  }
  for (const e of n.embeds) {
    if (e.empty) continue;
    const agg = quoteIdent(e.aggAlias);
    if (!e.spread) terms.push(quoteIdent(e.name));
    else for (const c of e.spreadColumns ?? spreadOutput(e.node) ?? []) if (!e.hoisted.has(c)) terms.push(`${agg}.${quoteIdent(c)}`);
  }
  return terms.length ? ` group by ${terms.join(', ')}` : '';
}

function orderSql(n: ReadNode, p: Params): string {
  if (!n.order.length) return '';
  const terms = n.order.map((o: OrderTerm) => {
    const embed = o.relation ? n.embeds.find((e) => e.name === o.relation) : undefined;
    const target = embed ? fieldSql(embed.aggAlias, o.field, p) : fieldSql(n.qualifier, o.field, p);
    return `${target}${o.direction ? ` ${o.direction}` : ''}${o.nulls ? ` nulls ${o.nulls}` : ''}`;
  });
  return ` order by ${terms.join(', ')}`;
}

function joinCondition(e: Embed, parentQualifier: string): string[] {
  const j = e.rel.junction;
  if (e.rel.computed) return [];
  if (j) return j.source.map(([junctionCol, mine]) => `${col(j.table, junctionCol)} = ${col(parentQualifier, mine)}`);
  return e.rel.columns.map(([mine, theirs]) => `${col(e.node.qualifier, theirs)} = ${col(parentQualifier, mine)}`);
}

function embedSelect(e: Embed): string[] {
  if (e.empty) return [];
  const agg = quoteIdent(e.aggAlias);
  if (e.spreadColumns) return e.spreadColumns.map((c) => `${agg}.${quoteIdent(c)}`);
  if (e.spread) {
    const cols = spreadOutput(e.node);
    if (!cols) return [`${agg}.*`];
    return cols.map((c) => {
      const h = e.hoisted.get(c);
      if (!h) return `${agg}.${quoteIdent(c)}`;
      const applied = `${h.aggregate}(${agg}.${quoteIdent(c)})`;
      return `${h.cast ? `cast(${applied} as ${h.cast})` : applied} as ${quoteIdent(c)}`;
    });
  }
  if (e.toOne) return [`row_to_json(${agg}.*)::jsonb as ${quoteIdent(e.name)}`];
  return [`coalesce(${agg}.${agg}, '[]') as ${quoteIdent(e.name)}`];
}

function embedJoin(e: Embed, parent: ReadNode, p: Params): string {
  const sub = nodeSql(e.node, p, { parentQualifier: parent.qualifier, embed: e });
  const agg = quoteIdent(e.aggAlias);
  const kind = e.inner ? 'inner' : 'left';
  if (e.toOne) return ` ${kind} join lateral (${sub}) as ${agg} on true`;
  const spread = (e.spreadColumns ?? []).map((c) => `, coalesce(json_agg(${agg}.${quoteIdent(c)}), '[]')::jsonb as ${quoteIdent(c)}`).join('');
  const wrapped = `select json_agg(${agg})::jsonb as ${agg}${spread} from (${sub}) as ${agg}`;
  return ` ${kind} join lateral (${wrapped}) as ${agg} on ${e.inner ? `${agg} is not null` : 'true'}`;
}

export interface NodeSqlOptions {
  parentQualifier?: string;
  embed?: Embed;
  /** the root's count: no select list, order or range */
  countOnly?: boolean;
  /** rows are bare values (functions returning scalars) */
  scalar?: boolean;
}

/** SELECT for one node with its embeddings as lateral joins: one statement, run as the request's role. */
export function nodeSql(n: ReadNode, p: Params, opts: NodeSqlOptions = {}): string {
  const joins = n.embeds.map((e) => embedJoin(e, n, p)).join('');
  let selects: string[];
  const group = groupSql(n, p);
  // a grouped count keeps its select list: GROUP BY names its outputs
  if (opts.countOnly && !group) selects = ['1'];
  else if (opts.scalar) selects = [`${quoteIdent(n.qualifier)}.pgrst_scalar`];
  else {
    const own = n.fields.length === 0 && n.embeds.length === 0 ? ['*' as const] : n.fields;
    selects = [...own.map((f) => (f === '*' ? `${quoteIdent(n.qualifier)}.*` : selectFieldSql(n.qualifier, f, p))), ...n.embeds.flatMap(embedSelect)];
  }
  const where = [
    ...(opts.embed && opts.parentQualifier ? joinCondition(opts.embed, opts.parentQualifier) : []),
    ...n.where.map((c) => conditionSql(c, n.qualifier, p)),
  ];
  let sql = `select ${selects.join(', ')} from ${n.from}${joins}${where.length ? ` where ${where.join(' and ')}` : ''}${group}`;
  if (opts.countOnly) return sql;
  sql += orderSql(n, p);
  if (n.limit !== null) sql += ` limit ${n.limit}`;
  if (n.offset) sql += ` offset ${n.offset}`;
  return sql;
}

export interface ReadStatement {
  root: ReadNode;
  /** leading `with …` CTE (writes) */
  prefix?: string;
  scalar: boolean;
  count: 'exact' | 'planned' | 'estimated' | null;
  /** max_rows, for `estimated` */
  maxRows: number | null;
  /** upserts: the expression that reads how many rows were inserted rather than updated */
  inserted?: string;
  /** the body as text/csv instead of JSON, its header line read from there (csv.ts) */
  csv?: CsvHeader;
}

/**
 * One statement that answers like PostgREST: json built by the database (so values use Postgres's
 * to_json formats), the page size, the first element (for scalars and `.single()`), the total.
 */
export function readSql(st: ReadStatement, p: Params): string {
  const inner = nodeSql(st.root, p, { scalar: st.scalar });
  let total = 'null::bigint';
  // estimated: exact up to max_rows (counted with a limit), the planner's estimate beyond.
  const limit = st.count === 'estimated' && st.maxRows !== null ? ` limit ${st.maxRows + 1}` : '';
  if (st.count === 'exact' || st.count === 'estimated') total = `(select count(*) from (${nodeSql(st.root, p, { countOnly: true })}${limit}) _pgrst_c)`;
  const item = st.scalar ? '_pgrst_r.pgrst_scalar' : '_pgrst_r';
  // text/csv (csv.ts): each row's composite text without its parentheses.
  const body = st.csv
    ? `coalesce(string_agg(substring(_pgrst_r::text, 2, length(_pgrst_r::text) - 2), E'\\n'), '')`
    : `coalesce(json_agg(${item}), '[]')::text`;
  const rows = `select ${total} as total, count(*)::int as page_count, ${st.inserted ?? 'null'}::int as inserted,
  ${body} as body, (json_agg(${item})->0)::text as first
  from (${inner}) _pgrst_r`;
  if (!st.csv) return `${st.prefix ?? ''}${rows}`;
  return `${st.prefix ?? ''}select total, page_count, inserted, ${csvHeaderSql(st.csv, '_pgrst_a.first', p)} || E'\\n' || body as body, first
  from (${rows}) _pgrst_a`;
}

/** The count statement whose EXPLAIN gives `planned` (and `estimated` beyond max_rows). */
export function countSql(st: ReadStatement, p: Params): string {
  return `${st.prefix ?? ''}select 1 from (${nodeSql(st.root, p, { countOnly: true })}) _pgrst_c`;
}

export interface ReadResult {
  total: number | null;
  page_count: number;
  body: string;
  first: string | null;
  inserted?: number | null;
}
