// The database surface every part of the stack uses, whichever driver is behind it.
export interface QueryResult<R> {
  rows: R[];
  fields: { name: string; dataTypeID: number }[];
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** One connection, BEGIN/COMMIT, ROLLBACK when fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A multi-statement script (no parameters). */
  exec(sql: string): Promise<void>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Whether the database can serve; must not wait behind other queries (a /health probe). */
  health(): Promise<DbHealth>;
  close(): Promise<void>;
}

export interface DbHealth {
  ok: boolean;
  error?: string;
  /** PGlite worker: how long the request it is running has taken so far (0 when idle). */
  busyMs?: number;
  /** PGlite worker: requests waiting for a transaction to end. */
  queued?: number;
}

/**
 * A database error as both PGlite and node-postgres raise it (same field names).
 * Kept structural so callers never depend on either driver's class.
 */
export interface DbError {
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
}

export function isDbError(err: unknown): err is DbError {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof message === 'string';
}
