import { bootstrap } from './bootstrap.ts';
import { createWorkerDb } from './worker-db.ts';

/**
 * Writes a snapshot of a new embedded database (platform, migrations and seed applied) to `path`, so
 * that many stacks can start from it (`StackOptions.from`) without paying initdb and the bootstrap
 * each time. Tests make one per run; the seed's timestamps are those of the moment it was taken.
 */
export async function snapshotNewDatabase(path: string, root: string): Promise<void> {
  const db = await createWorkerDb({});
  try {
    await bootstrap(db, { root });
    // Sequences log 32 values ahead; a copy taken without a checkpoint restarts them up to 32 values
    // on, as after a crash (delta numbers would then show a gap at a stack's first commit).
    await db.query('checkpoint');
    await db.dump(path);
  } finally {
    await db.close();
  }
}
