import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';

/**
 * Every extension the migrations may `create extension` on the embedded database. PGlite only
 * offers what was loaded when it was opened, so this list is the one place to add one.
 */
export const PGLITE_EXTENSIONS = { pgcrypto, pg_trgm };

/** Opens PGlite on a data folder (created if missing), or in memory when dataDir is undefined. */
export async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return PGlite.create({ dataDir, extensions: PGLITE_EXTENSIONS });
}
