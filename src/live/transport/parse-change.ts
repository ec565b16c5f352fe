import { isObject } from '@/lib/parse';

export type LiveTable = 'tickets' | 'orders' | 'customers' | 'products';
export const LIVE_TABLES: readonly LiveTable[] = ['tickets', 'orders', 'customers', 'products'];

/** A postgres_changes callback payload reduced to what the engine uses; records are never trusted. */
export interface TableChange {
  table: LiveTable;
  eventType: 'INSERT' | 'UPDATE' | 'DELETE';
  /** ms since epoch, null when the server sent none (error payloads) */
  commitTimestamp: number | null;
  /** primary key when present in new/old, for duplicate detection */
  key: string | null;
  /** the server reported a per-row error (401/413): still a signal that something changed */
  hasErrors: boolean;
}

export type ParsedChange = { ok: true; change: TableChange } | { ok: false; reason: string };

const EVENT_TYPES = new Set(['INSERT', 'UPDATE', 'DELETE']);

function primaryKey(record: unknown): string | null {
  if (!isObject(record)) return null;
  const id = record.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

export function parseChange(payload: unknown): ParsedChange {
  if (!isObject(payload)) return { ok: false, reason: 'payload is not an object' };
  const { table, eventType, schema } = payload;
  if (schema !== undefined && schema !== 'public') return { ok: false, reason: `unexpected schema ${String(schema)}` };
  if (typeof table !== 'string' || !(LIVE_TABLES as readonly string[]).includes(table)) {
    return { ok: false, reason: `unknown table ${String(table)}` };
  }
  if (typeof eventType !== 'string' || !EVENT_TYPES.has(eventType)) {
    return { ok: false, reason: `unknown event type ${String(eventType)}` };
  }
  let commitTimestamp: number | null = null;
  const ts = payload.commit_timestamp;
  if (typeof ts === 'string') {
    const parsed = Date.parse(ts);
    if (Number.isNaN(parsed)) return { ok: false, reason: `bad commit_timestamp ${ts}` };
    commitTimestamp = parsed;
  } else if (ts !== null && ts !== undefined) {
    return { ok: false, reason: 'bad commit_timestamp' };
  }
  const errors = payload.errors;
  const hasErrors = Array.isArray(errors) ? errors.length > 0 : errors !== null && errors !== undefined;
  return {
    ok: true,
    change: {
      table: table as LiveTable,
      eventType: eventType as TableChange['eventType'],
      commitTimestamp,
      key: primaryKey(payload.new) ?? primaryKey(payload.old),
      hasErrors,
    },
  };
}

/** Key used to drop an exact duplicate delivery of the same change. */
export function changeKey(change: TableChange): string | null {
  if (change.key === null || change.commitTimestamp === null) return null;
  return `${change.table}:${change.eventType}:${change.key}:${change.commitTimestamp}`;
}
