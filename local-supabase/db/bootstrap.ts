import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './types.ts';
import { quoteLiteral } from './sql.ts';

export interface BootstrapOptions {
  /** Repository root (holds local-supabase/ and supabase/). */
  root: string;
  log?: (msg: string) => void;
}

export interface BootstrapResult {
  fresh: boolean;
  applied: string[];
}

const TRACKING_SQL = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);`;

/** A migration file name as the Supabase CLI reads it: `<version>_<name>.sql`. */
export function parseMigrationName(file: string): { version: string; name: string } | null {
  const m = /^(\d+)_(.*)\.sql$/.exec(file);
  return m ? { version: m[1] ?? '', name: m[2] ?? '' } : null;
}

/**
 * Brings a database up to date, like `supabase start` + `supabase db reset` would:
 * platform.sql (fresh databases, and PGlite at every start), the stack's own auth tables, every migration not yet recorded in
 * supabase_migrations.schema_migrations (in name order, each atomically), and seed.sql only when fresh.
 */
export async function bootstrap(db: Db, opts: BootstrapOptions): Promise<BootstrapResult> {
  const log = opts.log ?? (() => undefined);
  const { rows } = await db.query<{ exists: boolean }>(
    `select to_regclass('supabase_migrations.schema_migrations') is not null as exists`,
  );
  const fresh = !rows[0]?.exists;
  // platform.sql is idempotent: PGlite (where the stack is the superuser) gets it at every start, so a
  // data folder made before a platform change (say, the realtime schema) catches up. A PostgreSQL
  // server got it from its admin (scripts/pg-cluster.sh); there the stack may not be a superuser.
  if (fresh || db.kind === 'pglite') {
    const platform = join(opts.root, 'local-supabase', 'platform.sql');
    if (existsSync(platform)) await applyPlatform(db, readFileSync(platform, 'utf8'));
  }
  await runScript(db, readFileSync(join(opts.root, 'local-supabase', 'auth', 'schema.sql'), 'utf8'), 'auth/schema.sql');
  await db.exec(TRACKING_SQL);

  const done = new Set(
    (await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map(
      (r) => r.version,
    ),
  );
  const dir = join(opts.root, 'supabase', 'migrations');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sql')).sort() : [];
  const applied: string[] = [];
  for (const file of files) {
    const parsed = parseMigrationName(file);
    if (!parsed || done.has(parsed.version)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    const record = `insert into supabase_migrations.schema_migrations (version, name, statements)
      values (${quoteLiteral(parsed.version)}, ${quoteLiteral(parsed.name)}, array[${quoteLiteral(sql)}]);`;
    await runScript(db, `begin;\n${sql}\n;\n${record}\ncommit;`, file);
    applied.push(file);
    log(`applied migration ${file}`);
  }

  const seed = join(opts.root, 'supabase', 'seed.sql');
  if (fresh && existsSync(seed)) {
    await runScript(db, `begin;\n${readFileSync(seed, 'utf8')}\n;\ncommit;`, 'seed.sql');
    log('applied seed.sql');
  }
  return { fresh, applied };
}

/**
 * platform.sql, unless this database already has this very text (about a second of PGlite's start;
 * the stack records what it applied in _local_stack.platform, which Supabase has no counterpart of).
 */
async function applyPlatform(db: Db, sql: string): Promise<void> {
  const sha256 = createHash('sha256').update(sql).digest('hex');
  const { rows } = await db.query<{ current: boolean }>(
    `select to_regclass('_local_stack.platform') is not null as current`,
  );
  if (rows[0]?.current) {
    const { rows: applied } = await db.query<{ sha256: string }>('select sha256 from _local_stack.platform');
    if (applied[0]?.sha256 === sha256) return;
  }
  await runScript(db, sql, 'platform.sql');
  await db.exec(`create schema if not exists _local_stack;
    revoke all on schema _local_stack from public;
    create table if not exists _local_stack.platform (sha256 text not null);
    delete from _local_stack.platform;
    insert into _local_stack.platform values (${quoteLiteral(sha256)});`);
}

async function runScript(db: Db, sql: string, name: string): Promise<void> {
  try {
    await db.exec(sql);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${name}: ${message}`, { cause: err });
  }
}
