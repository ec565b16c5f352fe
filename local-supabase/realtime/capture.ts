import { readFileSync } from 'node:fs';
import type { Queryable } from '../db/types.ts';

export const PUBLICATION = 'supabase_realtime';
export const NOTIFY_CHANNEL = '_realtime';
const CAPTURE_SQL = readFileSync(new URL('./capture.sql', import.meta.url), 'utf8');
const TRIGGER = '_realtime_capture';

export interface ColumnInfo {
  name: string;
  /** pg_type.typname, as sent in `columns`. */
  type: string;
  /** The regtype text used for casts in filters. */
  castType: string;
}

export interface TableInfo {
  oid: number;
  schema: string;
  table: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  rls: boolean;
  replicaIdentity: string;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const tableKey = (schema: string, table: string): string => `${schema}.${table}`;

export async function installCapture(db: { exec(sql: string): Promise<void> }): Promise<void> {
  await db.exec(CAPTURE_SQL);
}

const TABLES_SQL = `
select c.oid::int as oid, n.nspname as schema, c.relname as table, c.relrowsecurity as rls,
       c.relreplident::text as replident,
       (select coalesce(json_agg(json_build_object('name', a.attname, 'type', t.typname,
                 'castType', a.atttypid::regtype::text) order by a.attnum), '[]'::json)
          from pg_attribute a join pg_type t on t.oid = a.atttypid
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
       (select coalesce(json_agg(a.attname order by array_position(i.indkey::int2[], a.attnum)), '[]'::json)
          from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
         where i.indrelid = c.oid and i.indisprimary) as pk,
       (select t.tgargs from pg_trigger t where t.tgrelid = c.oid and t.tgname = '${TRIGGER}') as tgargs
  from pg_publication_tables p
  join pg_namespace n on n.nspname = p.schemaname
  join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
 where p.pubname = $1`;

interface TableRow {
  oid: number;
  schema: string;
  table: string;
  rls: boolean;
  replident: string;
  columns: ColumnInfo[] | string;
  pk: string[] | string;
  tgargs: Uint8Array | string | null;
}

const asJson = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function triggerArgs(t: TableInfo): string[] {
  return [t.replicaIdentity === 'f' ? 'f' : 'd', ...t.primaryKey];
}

function tgargsToList(raw: Uint8Array | string | null): string[] | null {
  if (raw === null) return null;
  // bytea: args are NUL-terminated strings. node-postgres gives a Buffer, PGlite a Uint8Array;
  // a text rendering ("\x..") is decoded by hand.
  let bytes: Uint8Array;
  if (typeof raw === 'string') bytes = raw.startsWith('\\x') ? Buffer.from(raw.slice(2), 'hex') : Buffer.from(raw);
  else bytes = raw;
  const text = Buffer.from(bytes).toString('utf8');
  const parts = text.split('\0');
  parts.pop();
  return parts;
}

/**
 * Reads the publication's tables and (re)installs the capture trigger where it is missing or its
 * arguments (replica identity, key columns) are stale; drops it from tables that left the publication.
 */
export async function syncTables(db: Queryable): Promise<Map<string, TableInfo>> {
  const { rows } = await db.query<TableRow>(TABLES_SQL, [PUBLICATION]);
  const tables = new Map<string, TableInfo>();
  for (const r of rows) {
    const info: TableInfo = {
      oid: r.oid,
      schema: r.schema,
      table: r.table,
      rls: r.rls,
      replicaIdentity: r.replident,
      columns: asJson<ColumnInfo[]>(r.columns),
      primaryKey: asJson<string[]>(r.pk),
    };
    tables.set(tableKey(r.schema, r.table), info);
    const want = triggerArgs(info);
    const have = tgargsToList(r.tgargs);
    if (have === null || have.join('\0') !== want.join('\0')) {
      const args = want.map((a) => `'${a.replace(/'/g, "''")}'`).join(', ');
      await db.query(
        `create or replace trigger ${TRIGGER} after insert or update or delete on ${quoteIdent(r.schema)}.${quoteIdent(r.table)} for each row execute function _realtime.capture(${args})`,
      );
    }
  }
  const { rows: stale } = await db.query<{ schema: string; table: string }>(
    `select n.nspname as schema, c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid
       join pg_namespace n on n.oid = c.relnamespace
      where t.tgname = '${TRIGGER}'`,
  );
  for (const s of stale) {
    if (!tables.has(tableKey(s.schema, s.table))) {
      await db.query(`drop trigger if exists ${TRIGGER} on ${quoteIdent(s.schema)}.${quoteIdent(s.table)}`);
    }
  }
  return tables;
}
