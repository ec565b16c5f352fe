import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { snapshotNewDatabase } from '../../local-supabase/db/snapshot.ts';
import { REPO_ROOT, startStack, type Stack, type StackOptions } from '../../local-supabase/stack.ts';

// One new embedded database per test run: the integration and e2e projects make it once (vitest
// globalSetup), and every PGlite stack a test starts is a copy of it instead of paying initdb,
// the migrations and the seed again (several seconds each, dozens of stacks a run).

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the run's snapshot; '' on PostgreSQL (DATABASE_URL), where stacks share one database. */
    dbSnapshot: string;
  }
}

/** vitest globalSetup: makes the snapshot and hands its path to the test files. */
export default async function setup(project: TestProject): Promise<() => void> {
  if (process.env.DATABASE_URL) {
    project.provide('dbSnapshot', '');
    return () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'db-snapshot-'));
  const path = join(dir, 'new-database.tar');
  await snapshotNewDatabase(path, REPO_ROOT);
  project.provide('dbSnapshot', path);
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * startStack for tests: a new PGlite database (memory, or an empty data folder) is a copy of the
 * run's snapshot, with an activity epoch of its own as every new database has. `from: undefined`
 * opts out (a test of the bootstrap itself).
 */
export async function startStackFromSnapshot(opts: StackOptions): Promise<Stack> {
  const snapshot = 'from' in opts ? opts.from : inject('dbSnapshot') || undefined;
  const isNew = !opts.databaseUrl && (opts.memory || !opts.dataDir || !existsSync(join(opts.dataDir, 'PG_VERSION')));
  const stack = await startStack({ ...opts, from: snapshot });
  if (isNew && snapshot) {
    await stack.db.query(`update private.activity_epoch set epoch = gen_random_uuid()::text, started_at = now()`);
  }
  return stack;
}
