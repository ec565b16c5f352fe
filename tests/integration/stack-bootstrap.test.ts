import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../../local-supabase/db/bootstrap.ts';
import { openDb } from '../../local-supabase/db/open.ts';
import { REPO_ROOT } from '../../local-supabase/stack.ts';

// A throwaway project (platform, migrations, seed) on a PGlite data folder: this is about the folder
// surviving restarts, so it always uses PGlite.
const root = mkdtempSync(join(tmpdir(), 'stack-bootstrap-'));
const dataDir = join(root, 'data');
mkdirSync(join(root, 'local-supabase', 'auth'), { recursive: true });
mkdirSync(join(root, 'supabase', 'migrations'), { recursive: true });
copyFileSync(join(REPO_ROOT, 'local-supabase', 'auth', 'schema.sql'), join(root, 'local-supabase', 'auth', 'schema.sql'));
writeFileSync(join(root, 'local-supabase', 'platform.sql'), 'create table if not exists public.platform_marker (id int);');
writeFileSync(join(root, 'supabase', 'migrations', '20260101000000_create_notes.sql'), 'create table public.notes (id serial primary key, body text not null);');
writeFileSync(join(root, 'supabase', 'seed.sql'), "insert into public.notes (body) values ('seeded');");

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe('bootstrap', () => {
  it('sets up a fresh folder once, then applies only new migrations, never the seed again', async () => {
    const first = await withDb((db) => bootstrap(db, { root }));
    expect(first).toEqual({ fresh: true, applied: ['20260101000000_create_notes.sql'] });

    writeFileSync(join(root, 'supabase', 'migrations', '20260102000000_add_note_tag.sql'), 'alter table public.notes add column tag text;');
    const second = await withDb(async (db) => {
      const result = await bootstrap(db, { root });
      const notes = await db.query<{ body: string }>('select body from public.notes');
      const versions = await db.query<{ version: string; name: string }>('select version, name from supabase_migrations.schema_migrations order by version');
      return { result, notes: notes.rows, versions: versions.rows };
    });
    expect(second.result).toEqual({ fresh: false, applied: ['20260102000000_add_note_tag.sql'] });
    expect(second.notes).toEqual([{ body: 'seeded' }]);
    expect(second.versions).toEqual([
      { version: '20260101000000', name: 'create_notes' },
      { version: '20260102000000', name: 'add_note_tag' },
    ]);
  });

  it('rolls a failing migration back whole and does not record it', async () => {
    writeFileSync(join(root, 'supabase', 'migrations', '20260103000000_broken.sql'), 'create table public.half (id int);\nselect * from public.missing_table;');
    await withDb(async (db) => {
      await expect(bootstrap(db, { root })).rejects.toThrow(/20260103000000_broken\.sql: .*missing_table/);
      const half = await db.query<{ t: string | null }>(`select to_regclass('public.half')::text as t`);
      expect(half.rows[0]?.t).toBeNull();
      const recorded = await db.query(`select 1 from supabase_migrations.schema_migrations where version = '20260103000000'`);
      expect(recorded.rows).toHaveLength(0);
      // The connection is still usable after the failed script.
      expect((await db.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }]);
    });
  });
});

describe('bootstrap with the real platform.sql', () => {
  // A data folder made before platform.sql had the realtime schema, restarted twice with the new one.
  const root2 = mkdtempSync(join(tmpdir(), 'stack-platform-'));
  const dataDir2 = join(root2, 'data');
  mkdirSync(join(root2, 'local-supabase', 'auth'), { recursive: true });
  copyFileSync(join(REPO_ROOT, 'local-supabase', 'auth', 'schema.sql'), join(root2, 'local-supabase', 'auth', 'schema.sql'));
  const platform = readFileSync(join(REPO_ROOT, 'local-supabase', 'platform.sql'), 'utf8');
  const marker = '-- Realtime Authorization and Broadcast from the database';
  afterAll(() => rmSync(root2, { recursive: true, force: true }));

  const boot = async <T>(fn?: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>) => {
    const db = await openDb({ dataDir: dataDir2 });
    try {
      await bootstrap(db, { root: root2 });
      return await fn?.(db);
    } finally {
      await db.close();
    }
  };

  it('adds the realtime schema to an existing folder and stays idempotent, keeping policies', async () => {
    expect(platform.indexOf(marker)).toBeGreaterThan(0);
    writeFileSync(join(root2, 'local-supabase', 'platform.sql'), platform.slice(0, platform.indexOf(marker)));
    await boot(async (db) => {
      expect((await db.query(`select to_regclass('realtime.messages') as t`)).rows).toEqual([{ t: null }]);
    });
    writeFileSync(join(root2, 'local-supabase', 'platform.sql'), platform);
    await boot(async (db) => {
      await db.exec(`create policy keep_me on realtime.messages for select to authenticated using (realtime.topic() = 'x')`);
      await db.query(`select realtime.send('{"a":1}', 'e', 'x')`);
    });
    // Changed text is applied again over what is there (idempotent); the same text is not re-run.
    const touched = `${platform}\n-- touched\n`;
    writeFileSync(join(root2, 'local-supabase', 'platform.sql'), touched);
    const after = await boot(async (db) => ({
      policies: (await db.query(`select policyname from pg_policies where schemaname = 'realtime' and tablename = 'messages'`)).rows,
      messages: (await db.query<{ topic: string; private: boolean; id_in_payload: boolean }>(
        `select topic, private, payload->>'id' = id::text as id_in_payload from realtime.messages`,
      )).rows,
      rls: (await db.query(`select relrowsecurity as rls from pg_class where oid = 'realtime.messages'::regclass`)).rows,
    }));
    expect(after).toEqual({
      policies: [{ policyname: 'keep_me' }],
      messages: [{ topic: 'x', private: true, id_in_payload: true }],
      rls: [{ rls: true }],
    });
    const recorded = await boot(async (db) => (await db.query<{ sha256: string }>('select sha256 from _local_stack.platform')).rows);
    expect(recorded).toEqual([{ sha256: createHash('sha256').update(touched).digest('hex') }]);
  });
});
