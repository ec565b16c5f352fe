import { RestError } from './errors.ts';
import type { Condition } from './logic.ts';
import type { Prefer } from './prefer.ts';
import type { ColumnInfo } from './schema.ts';
import { EXPOSED_SCHEMA } from './schema.ts';
import type { Params } from './sql.ts';
import { conditionSql } from './sql.ts';
import { quoteIdent } from '../db/sql.ts';

export interface WriteRequest {
  method: 'POST' | 'PATCH' | 'DELETE';
  table: string;
  body: unknown;
  prefer: Prefer;
  /** root filters: the mutation's WHERE */
  where: Condition[];
  /** `columns=`: which body keys are written */
  columns: string[] | null;
  onConflict: string[] | null;
  tableColumns: ColumnInfo[];
  primaryKey: string[];
  /** the representation needs the rows (return=representation, or embeddings in select) */
  returnRows: boolean;
}

export const WRITE_CTE = 'pgrst_source';

function invalidBody(message = 'Empty or invalid json'): RestError {
  return new RestError(400, 'PGRST102', message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The written columns: `columns=`, else the body's keys (a bulk body's objects must share them). */
function writtenColumns(req: WriteRequest, rows: Record<string, unknown>[]): ColumnInfo[] {
  let names: string[];
  if (req.columns) names = [...new Set(req.columns)];
  else {
    const first = Object.keys(rows[0] ?? {});
    const same = (r: Record<string, unknown>) => {
      const keys = Object.keys(r);
      return keys.length === first.length && keys.every((k) => first.includes(k));
    };
    if (!rows.every(same)) throw invalidBody('All object keys must match');
    names = first;
  }
  return names.map((name) => {
    const info = req.tableColumns.find((c) => c.name === name);
    if (!info) throw new RestError(400, 'PGRST204', `Could not find the '${name}' column of '${req.table}' in the schema cache`);
    return info;
  });
}

/**
 * The body as typed rows, as PostgREST's fromJsonBodyF: json_to_recordset over the written
 * columns; with `missing=default` each object is first merged over the columns' defaults.
 */
function bodyRows(cols: ColumnInfo[], body: string, missingDefault: boolean, p: Params): string {
  const typed = cols.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
  const withDefaults = cols.filter((c) => c.default !== null);
  if (!cols.length) return `(select from json_array_elements(${p.add(body)}::json)) pgrst_body`;
  if (missingDefault && withDefaults.length) {
    const defaults = `jsonb_build_object(${withDefaults.map((c) => `'${c.name.replace(/'/g, "''")}', ${c.default}`).join(', ')})`;
    return `(select * from jsonb_to_recordset((select jsonb_agg(${defaults} || elem) from jsonb_array_elements(${p.add(body)}::jsonb) elem)) as _(${typed})) pgrst_body`;
  }
  return `(select * from json_to_recordset(${p.add(body)}::json) as _(${typed})) pgrst_body`;
}

const INSERTED = `nullif(current_setting('pgrst.inserted', true), '')`;
const COUNT_INSERT = `set_config('pgrst.inserted', (coalesce(${INSERTED}::int, 0) + 1)::text, true) <> '0'`;
const COUNT_UPDATE = `set_config('pgrst.inserted', (coalesce(${INSERTED}::int, 0) - 1)::text, true) <> '-1'`;

/** insert / update / delete as the CTE `pgrst_source`, read back through the same path as reads. */
export function writeStatement(req: WriteRequest, p: Params): { cte: string; counted: boolean } {
  const table = `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(req.table)}`;
  const returning = req.returnRows ? `returning ${quoteIdent(req.table)}.*` : 'returning 1';
  let statement: string;
  let counted = false;
  if (req.method === 'POST') {
    const rows = Array.isArray(req.body) ? req.body : [req.body];
    if (!rows.every(isRecord)) throw invalidBody('All object keys must match');
    const cols = writtenColumns(req, rows);
    const list = cols.map((c) => quoteIdent(c.name)).join(', ');
    const merge = req.prefer.resolution === 'merge-duplicates';
    const target = req.prefer.resolution ? (req.onConflict ?? req.primaryKey) : [];
    counted = merge;
    let conflict = '';
    if (target.length) {
      conflict = ` on conflict (${target.map(quoteIdent).join(', ')}) `;
      if (!merge || !cols.length) conflict += 'do nothing';
      else conflict += `do update set ${cols.map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`).join(', ')} where ${COUNT_UPDATE}`;
    }
    const source = bodyRows(cols, JSON.stringify(rows), req.prefer.missing === 'default', p);
    const select = cols.length ? cols.map((c) => `pgrst_body.${quoteIdent(c.name)}`).join(', ') : '';
    // The counter (PostgREST's pgrst.inserted) goes up per row offered and down per row updated.
    statement = `insert into ${table}${cols.length ? ` (${list})` : ''} select ${select} from ${source}${counted ? ` where ${COUNT_INSERT}` : ''}${conflict} ${returning}`;
  } else if (req.method === 'PATCH') {
    requireFilters(req);
    if (!isRecord(req.body)) throw invalidBody();
    const cols = writtenColumns(req, [req.body]);
    const where = req.where.map((c) => conditionSql(c, req.table, p)).join(' and ');
    statement = cols.length
      ? `update ${table} set ${cols.map((c) => `${quoteIdent(c.name)} = pgrst_body.${quoteIdent(c.name)}`).join(', ')}
         from ${bodyRows(cols, JSON.stringify([req.body]), req.prefer.missing === 'default', p)} where ${where} ${returning}`
      : `select ${req.returnRows ? '*' : '1'} from ${table} where false`;
  } else {
    requireFilters(req);
    statement = `delete from ${table} where ${req.where.map((c) => conditionSql(c, req.table, p)).join(' and ')} ${returning}`;
  }
  return { cte: `with ${WRITE_CTE} as (${statement}) `, counted };
}

/**
 * Supabase loads pg-safeupdate for the Data API (session_preload_libraries on authenticator): an
 * UPDATE or DELETE without a WHERE clause fails with 21000 instead of touching every row.
 */
function requireFilters(req: WriteRequest): void {
  if (req.where.length) return;
  const verb = req.method === 'PATCH' ? 'UPDATE' : 'DELETE';
  throw new RestError(400, '21000', `${verb} requires a WHERE clause`);
}

export { INSERTED };
