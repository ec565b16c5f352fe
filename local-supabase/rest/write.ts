import type { Queryable } from '../db/types.ts';
import { RestError } from './errors.ts';
import type { Condition } from './logic.ts';
import type { Prefer, Selection } from './params.ts';
import { EXPOSED_SCHEMA } from './schema.ts';
import type { Params, ReadShape } from './sql.ts';
import { whereSql } from './sql.ts';
import { quoteIdent } from '../db/sql.ts';

export interface WriteRequest {
  method: 'POST' | 'PATCH' | 'DELETE';
  table: string;
  body: unknown;
  prefer: Prefer;
  filters: Condition[];
  onConflict: string | undefined;
  selection: Selection;
}

const WRITE_CTE = '_pgrst_w';

/** insert / update / delete as a CTE, read back through the same JSON path as reads. */
export async function writeShape(tx: Queryable, req: WriteRequest, p: Params): Promise<ReadShape> {
  const table = `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(req.table)}`;
  const returning = req.prefer.return === 'representation' ? `returning ${quoteIdent(req.table)}.*` : 'returning 1';
  let statement: string;
  if (req.method === 'POST') {
    const rows = Array.isArray(req.body) ? req.body : [req.body];
    if (!rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
      throw new RestError(400, 'PGRST102', 'Empty or invalid json');
    }
    const cols = req.onConflict !== undefined || rows.length ? columnsOf(rows as Record<string, unknown>[]) : [];
    const list = cols.map(quoteIdent).join(', ');
    const conflict = req.prefer.resolution ? await conflictSql(tx, req, cols) : '';
    statement = cols.length
      ? `insert into ${table} (${list}) select ${list} from json_populate_recordset(null::${table}, ${p.add(JSON.stringify(rows))}::json)${conflict} ${returning}`
      : rows.length
        ? `insert into ${table} default values ${returning}`
        : `select 1 where false`;
  } else if (req.method === 'PATCH') {
    requireFilters(req);
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new RestError(400, 'PGRST102', 'Empty or invalid json');
    }
    const cols = Object.keys(req.body);
    const where = whereSql(req.filters, req.table, p);
    statement = cols.length
      ? `update ${table} set ${cols.map((c) => `${quoteIdent(c)} = _pgrst_body.${quoteIdent(c)}`).join(', ')}
         from json_populate_record(null::${table}, ${p.add(JSON.stringify(req.body))}::json) _pgrst_body${where} ${returning}`
      : `select * from ${table} where false`;
  } else {
    requireFilters(req);
    statement = `delete from ${table}${whereSql(req.filters, req.table, p)} ${returning}`;
  }
  return {
    prefix: `with ${WRITE_CTE} as (${statement}) `,
    from: `${WRITE_CTE} ${quoteIdent(req.table)}`,
    qualifier: req.table,
    scalar: false,
    selection: req.prefer.return === 'representation' ? req.selection : null,
    filters: [],
    order: [],
    limit: null,
    offset: null,
    count: false,
  };
}

/**
 * Supabase loads pg-safeupdate for the Data API (session_preload_libraries on authenticator): an
 * UPDATE or DELETE without a WHERE clause fails with 21000 instead of touching every row.
 */
function requireFilters(req: WriteRequest): void {
  if (req.filters.length) return;
  const verb = req.method === 'PATCH' ? 'UPDATE' : 'DELETE';
  throw new RestError(400, '21000', `${verb} requires a WHERE clause`);
}

function columnsOf(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

async function conflictSql(tx: Queryable, req: WriteRequest, cols: string[]): Promise<string> {
  let target = req.onConflict ? req.onConflict.split(',').map((c) => c.trim()).filter(Boolean) : [];
  if (!target.length) {
    const { rows } = await tx.query<{ name: string }>(
      `select a.attname as name from pg_index i
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = to_regclass($1) and i.indisprimary`,
      [`${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(req.table)}`],
    );
    target = rows.map((r) => r.name);
  }
  if (!target.length) return '';
  const on = ` on conflict (${target.map(quoteIdent).join(', ')})`;
  if (req.prefer.resolution === 'ignore-duplicates') return `${on} do nothing`;
  const updates = cols.filter((c) => !target.includes(c));
  if (!updates.length) return `${on} do nothing`;
  return `${on} do update set ${updates.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ')}`;
}
