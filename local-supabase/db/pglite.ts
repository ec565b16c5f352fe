import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';

/**
 * Every extension the migrations may `create extension` on the embedded database. PGlite only
 * offers what was loaded when it was opened, so this list is the one place to add one.
 */
export const PGLITE_EXTENSIONS = { pgcrypto, pg_trgm };

/**
 * Opens PGlite on a data folder (created if missing), or in memory when dataDir is undefined. A new
 * database (memory, or a folder without one) starts as a copy of the snapshot `from` when given (a
 * tarball written by the worker's `dump`): no initdb, no migrations, no seed.
 */
export async function openPglite(dataDir: string | undefined, from?: string): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const isNew = !dataDir || !existsSync(join(dataDir, 'PG_VERSION'));
  const loadDataDir = from && isNew ? new Blob([readFileSync(from)]) : undefined;
  return PGlite.create({ dataDir, extensions: PGLITE_EXTENSIONS, loadDataDir });
}
