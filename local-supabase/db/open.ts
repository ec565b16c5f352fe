import { createPostgresDb } from './postgres.ts';
import type { Db } from './types.ts';
import { createWorkerDb } from './worker-db.ts';

export type { Db, DbError, DbHealth, Queryable, QueryResult } from './types.ts';
export { isDbError } from './types.ts';

export interface DbOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data folder; ignored when memory is true. */
  dataDir?: string;
  memory?: boolean;
  /** PGlite: a snapshot (db/snapshot.ts) that a new database starts from. */
  from?: string;
  /** PostgreSQL: the most connections (default 10). */
  maxConnections?: number;
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) return createPostgresDb(opts.databaseUrl, opts.maxConnections);
  // PGlite runs in its own thread so a long query never stalls HTTP or realtime (db/worker-db.ts).
  return createWorkerDb({ dataDir: opts.memory ? undefined : opts.dataDir, from: opts.from });
}
