import type { TableInfo } from './capture.ts';

// The `data` object of a postgres_changes frame as Realtime builds it (realtime.apply_rls +
// Replications.list_changes): columns and values restricted to what the role may SELECT, Error
// 400/401 payloads without data, DELETE old records cut to the key when RLS is on, 413 trimming.

export interface ChangeRow {
  id: string;
  type: 'INSERT' | 'UPDATE' | 'DELETE';
  schema_name: string;
  table_name: string;
  record: Record<string, unknown> | null;
  old_record: Record<string, unknown> | null;
  /** commit_timestamp, UTC with milliseconds and a Z. */
  ts: string;
}

const ERR_400 = 'Error 400: Bad Request, no primary key';
const ERR_401 = 'Error 401: Unauthorized';
const ERR_413 = 'Error 413: Payload Too Large';
const MAX_TRIMMED_FIELD_BYTES = 64;

/** A record value as Postgres text, for casts in filters and key lookups. */
export function valueText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function pick(rec: Record<string, unknown> | null, keep: (k: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!rec) return out;
  for (const [k, v] of Object.entries(rec)) if (keep(k)) out[k] = v;
  return out;
}

function smallFields(rec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (Buffer.byteLength(JSON.stringify(v) ?? '') <= MAX_TRIMMED_FIELD_BYTES) out[k] = v;
  }
  return out;
}

/** The serialised `data` for one change as seen by a role that may SELECT `cols`. */
export function buildChangeData(row: ChangeRow, t: TableInfo, cols: Set<string>, maxRecordBytes: number): string {
  const head = { schema: row.schema_name, table: row.table_name };
  if (row.type !== 'DELETE') {
    const fail = t.primaryKey.length === 0 ? ERR_400 : t.primaryKey.some((k) => !cols.has(k)) ? ERR_401 : null;
    if (fail) {
      const data: Record<string, unknown> = { ...head, commit_timestamp: null, type: row.type, columns: [], record: {} };
      if (row.type === 'UPDATE') data.old_record = {};
      data.errors = [fail];
      return JSON.stringify(data);
    }
  }
  const columns = t.columns.filter((c) => cols.has(c.name)).map((c) => ({ name: c.name, type: c.type }));
  const keepOld =
    row.type === 'DELETE' && t.rls ? (k: string) => cols.has(k) && t.primaryKey.includes(k) : (k: string) => cols.has(k);
  let record = row.type === 'DELETE' ? null : pick(row.record, (k) => cols.has(k));
  let oldRecord = row.type === 'INSERT' ? null : pick(row.old_record, keepOld);
  let errors: string[] | null = null;
  const size =
    (record ? Buffer.byteLength(JSON.stringify(record)) : 0) + (oldRecord ? Buffer.byteLength(JSON.stringify(oldRecord)) : 0);
  if (size > maxRecordBytes) {
    if (record) record = smallFields(record);
    if (oldRecord) oldRecord = smallFields(oldRecord);
    errors = [ERR_413];
  }
  const data: Record<string, unknown> = { ...head, commit_timestamp: row.ts, type: row.type, columns };
  if (record) data.record = record;
  if (oldRecord) data.old_record = oldRecord;
  data.errors = errors;
  return JSON.stringify(data);
}
