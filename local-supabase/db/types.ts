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
  close(): Promise<void>;
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
