// Messages between the stack and its PGlite worker thread (db/pglite-worker.ts). Values cross
// the thread boundary by structured clone, so Date, BigInt, Uint8Array and parsed JSON arrive as
// PGlite produced them; errors are flattened to plain objects and rebuilt with the same fields.

import type { DbError } from './types.ts';

export type WorkerRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'listen'; channel: string }
  | { id: number; op: 'unlisten'; channel: string }
  /** Writes the whole data folder as a tarball to `path` (a snapshot that `from` starts from). */
  | { id: number; op: 'dump'; path: string }
  | { id: number; op: 'close' };

/** A request before the stack numbers it. */
export type WorkerRequestBody = WorkerRequest extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

export interface WireError {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: string;
  severity?: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; rows: unknown[]; fields: { name: string; dataTypeID: number }[] }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'notify'; channel: string; payload: string }
  | { type: 'fatal'; error: WireError };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';

function parseWireError(v: unknown): WireError | null {
  if (!isObj(v) || !isStr(v.message)) return null;
  const out: WireError = { message: v.message };
  for (const k of ['code', 'detail', 'hint', 'position', 'severity'] as const) {
    const x = v[k];
    if (isStr(x)) out[k] = x;
  }
  return out;
}

function parseFields(v: unknown): { name: string; dataTypeID: number }[] | null {
  if (!Array.isArray(v)) return null;
  const out: { name: string; dataTypeID: number }[] = [];
  for (const f of v) {
    if (!isObj(f) || !isStr(f.name) || typeof f.dataTypeID !== 'number') return null;
    out.push({ name: f.name, dataTypeID: f.dataTypeID });
  }
  return out;
}

/** What the stack accepts from the worker; anything else is null (and a protocol fault). */
export function parseWorkerMessage(raw: unknown): WorkerMessage | null {
  if (!isObj(raw) || !isStr(raw.type)) return null;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'result': {
      const fields = parseFields(raw.fields);
      if (!isId(raw.id) || !Array.isArray(raw.rows) || !fields) return null;
      return { type: 'result', id: raw.id, rows: raw.rows, fields };
    }
    case 'done':
      return isId(raw.id) ? { type: 'done', id: raw.id } : null;
    case 'error': {
      const error = parseWireError(raw.error);
      return isId(raw.id) && error ? { type: 'error', id: raw.id, error } : null;
    }
    case 'notify':
      return isStr(raw.channel) && isStr(raw.payload) ? { type: 'notify', channel: raw.channel, payload: raw.payload } : null;
    case 'fatal': {
      const error = parseWireError(raw.error);
      return error ? { type: 'fatal', error } : null;
    }
    default:
      return null;
  }
}

/** What the worker accepts from the stack. */
export function parseWorkerRequest(raw: unknown): WorkerRequest | null {
  if (!isObj(raw) || !isId(raw.id) || !isStr(raw.op)) return null;
  const { id } = raw;
  switch (raw.op) {
    case 'query':
      if (!isStr(raw.sql)) return null;
      if (raw.params !== undefined && !Array.isArray(raw.params)) return null;
      return { id, op: 'query', sql: raw.sql, params: (raw.params as unknown[] | undefined) ?? [] };
    case 'exec':
      return isStr(raw.sql) ? { id, op: 'exec', sql: raw.sql } : null;
    case 'listen':
    case 'unlisten':
      return isStr(raw.channel) ? { id, op: raw.op, channel: raw.channel } : null;
    case 'dump':
      return isStr(raw.path) ? { id, op: 'dump', path: raw.path } : null;
    case 'close':
      return { id, op: 'close' };
    default:
      return null;
  }
}

/** Flattens whatever PGlite threw (its DatabaseError carries code/detail/hint as own fields). */
export function toWireError(err: unknown): WireError {
  if (!isObj(err) && !(err instanceof Error)) return { message: String(err) };
  const e = err as Record<string, unknown>;
  const out: WireError = { message: isStr(e.message) ? e.message : String(err) };
  for (const k of ['code', 'detail', 'hint', 'position', 'severity'] as const) {
    const x = e[k];
    if (isStr(x)) out[k] = x;
  }
  return out;
}

/** An Error with the database's fields, so `isDbError` and `err.message` work as in-process. */
export class WorkerDbError extends Error implements DbError {
  code: string;
  detail: string | undefined;
  hint: string | undefined;
  position: string | undefined;
  severity: string | undefined;

  constructor(wire: WireError, fallbackCode = 'XX000') {
    super(wire.message);
    this.name = 'DatabaseError';
    this.code = wire.code ?? fallbackCode;
    this.detail = wire.detail;
    this.hint = wire.hint;
    this.position = wire.position;
    this.severity = wire.severity;
  }
}

/** Errors the stack raises itself about the worker, in SQLSTATE terms PostgREST maps to 503/500. */
export const workerErrors = {
  closed: () => new WorkerDbError({ code: '08003', message: 'the database is closed (the local stack is stopping)' }),
  exited: (why: string) =>
    new WorkerDbError({ code: '08006', message: `the database worker stopped unexpectedly: ${why}` }),
  idleTransaction: (ms: number) =>
    new WorkerDbError({
      code: '25P03',
      message: `terminating transaction: idle in transaction for more than ${ms} ms (its caller stopped issuing queries)`,
    }),
  protocol: (why: string) => new WorkerDbError({ code: 'XX000', message: `database worker protocol error: ${why}` }),
};
