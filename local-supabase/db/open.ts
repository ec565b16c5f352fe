import { createPgliteDb } from './pglite.ts';
import { createPostgresDb } from './postgres.ts';
import type { Db } from './types.ts';

export type { Db, DbError, Queryable, QueryResult } from './types.ts';
export { isDbError } from './types.ts';

export interface DbOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data folder; ignored when memory is true. */
  dataDir?: string;
  memory?: boolean;
}

export async function openDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) return createPostgresDb(opts.databaseUrl);
  return createPgliteDb(opts.memory ? undefined : opts.dataDir);
}
