// The embedded database in its worker thread (db/worker-db.ts): the same answers as PGlite
// in-process, transactions that hold the thread exclusively, and every failure answered with a
// clear error instead of a hang. These are about the PGlite driver, so they always use PGlite.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../local-supabase/db/pglite.ts';
import { isDbError, type Db } from '../../local-supabase/db/types.ts';
import { createWorkerDb } from '../../local-supabase/db/worker-db.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

describe('PGlite worker', () => {
  let db: Db;
  let local: PGlite;

  beforeAll(async () => {
    [db, local] = await Promise.all([createWorkerDb({ idleTxMs: 400 }), openPglite(undefined)]);
    await db.exec('create table counter (id int primary key, n int not null, mirror int not null); insert into counter values (1, 0, 0);');
  });
  afterAll(async () => {
    await db?.close();
    await local?.close();
  });

  it('returns the same values as PGlite in the same thread: dates, json, bigint, arrays, bytea', async () => {
    const sql = `select timestamptz '2026-01-02 03:04:05.678+00' as ts, date '2026-03-04' as d, '{"a":[1,{"b":null}]}'::jsonb as jb,
      '[1,2]'::json as j, 9007199254740993::int8 as big, 42::int8 as small, array[1,2,3]::int[] as ints, array['a','b"c']::text[] as texts,
      '\\x00ff10'::bytea as bytes, 12.50::numeric as num, 1.5::float8 as f, true as b, null::text as nul, gen_random_uuid() is not null as uuid_ok,
      interval '1 day 2 hours' as iv, '(1,2)'::point as pt`;
    const [a, b] = await Promise.all([db.query(sql), local.query(sql)]);
    expect(a.rows).toEqual(b.rows);
    expect(a.fields).toEqual(b.fields);
    const row = a.rows[0] as Record<string, unknown>;
    expect(row.ts).toBeInstanceOf(Date);
    expect(typeof row.big).toBe('bigint');
    expect(row.bytes).toBeInstanceOf(Uint8Array);
    expect((await db.query('select $1::jsonb as v, $2::timestamptz as t', [{ x: [1] }, new Date(0)])).rows).toEqual([
      { v: { x: [1] }, t: new Date(0) },
    ]);
  });

  it('has the extensions the migrations create (pgcrypto, pg_trgm)', async () => {
    await db.exec('create extension if not exists pg_trgm; create extension if not exists pgcrypto;');
    const { rows } = await db.query<{ s: number }>("select similarity('tickets', 'ticket') > 0.5 as s");
    expect(rows).toEqual([{ s: true }]);
  });

  it('brings database errors back with code, message, detail and hint', async () => {
    const err = await db.query('insert into counter values (1, 0, 0)').catch((e: unknown) => e);
    expect(isDbError(err)).toBe(true);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', detail: 'Key (id)=(1) already exists.' });
    const hinted = await db.query('select * from counter where n = any(1)').catch((e: unknown) => e);
    expect(hinted).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    await db.exec("do $$ begin raise exception 'custom' using errcode = 'P0001', detail = 'd', hint = 'h'; end $$").catch((e: unknown) =>
      expect(e).toMatchObject({ code: 'P0001', message: 'custom', detail: 'd', hint: 'h' }),
    );
  });

  it('rolls back a transaction whose query fails midway, and the next queries work', async () => {
    const err = await db
      .transaction(async (tx) => {
        await tx.query('update counter set n = n + 100, mirror = mirror + 100');
        await tx.query('select 1/0');
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '22012', message: 'division by zero' });
    expect((await db.query('select n, mirror from counter')).rows).toEqual([{ n: 0, mirror: 0 }]);
  });

  it('rolls back a transaction whose own code throws, and rethrows that error unchanged', async () => {
    const boom = new Error('caller failed');
    const err = await db
      .transaction(async (tx) => {
        await tx.query('update counter set n = 7, mirror = 7');
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect((await db.query('select n from counter')).rows).toEqual([{ n: 0 }]);
  });

  it('keeps transactions exclusive under random interleavings with plain queries (seeded)', async () => {
    // Invariant: n = mirror outside a transaction, and n counts exactly the committed transactions.
    // Each transaction reads, waits, writes n then mirror; an interleaved writer or reader would see
    // or cause n != mirror or lost increments.
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      await db.query('update counter set n = 0, mirror = 0');
      let committed = 0;
      const work: Promise<unknown>[] = [];
      const seen: { n: number; mirror: number }[] = [];
      for (let i = 0; i < 40; i++) {
        if (r() < 0.5) {
          const fail = r() < 0.25;
          const pause = Math.floor(r() * 5);
          work.push(
            db
              .transaction(async (tx) => {
                const { rows } = await tx.query<{ n: number }>('select n from counter');
                await sleep(pause);
                await tx.query('update counter set n = $1', [rows[0]!.n + 1]);
                if (fail) throw new Error('planned');
                await tx.query('update counter set mirror = $1', [rows[0]!.n + 1]);
              })
              .then(
                () => committed++,
                (e: unknown) => expect((e as Error).message).toBe('planned'),
              ),
          );
        } else {
          work.push(db.query<{ n: number; mirror: number }>('select n, mirror from counter').then((res) => seen.push(res.rows[0]!)));
        }
        if (r() < 0.3) await sleep(Math.floor(r() * 3));
      }
      await Promise.all(work);
      for (const s of seen) expect(s.n, `seed ${seed}`).toBe(s.mirror);
      expect((await db.query('select n, mirror from counter')).rows, `seed ${seed}`).toEqual([{ n: committed, mirror: committed }]);
    }
  });

  it('rolls back and releases a transaction whose caller stopped issuing queries', async () => {
    let stale: { query: (sql: string) => Promise<unknown> } | null = null;
    const stuck = db.transaction(async (tx) => {
      stale = tx;
      await tx.query('update counter set n = -1, mirror = -1');
      await new Promise(() => undefined); // the caller died: never resolves
    });
    const waiting = db.query<{ n: number }>('select n from counter');
    await expect(stuck).rejects.toMatchObject({ code: '25P03' });
    expect((await waiting).rows[0]!.n).not.toBe(-1);
    await expect(stale!.query('select 1')).rejects.toMatchObject({ code: '25P03' });
  });

  it('answers health at once while a slow query runs', async () => {
    const slow = db.query('select pg_sleep(0.8)');
    await sleep(100);
    const started = Date.now();
    const health = await db.health();
    expect(Date.now() - started).toBeLessThan(50);
    expect(health).toMatchObject({ ok: true });
    expect(health.busyMs).toBeGreaterThan(0);
    await slow;
  });
});

describe('PGlite worker closing', () => {
  it('refuses what is queued, finishes what runs, and then refuses everything, without hanging', async () => {
    const db = await createWorkerDb();
    let inside = false;
    const tx = db.transaction(async (t) => {
      inside = true;
      await sleep(150);
      return (await t.query<{ v: number }>('select 1 as v')).rows[0]!.v;
    });
    while (!inside) await sleep(5);
    const queued = [db.query('select 1'), db.exec('select 1'), db.transaction(async () => 1)];
    const closing = db.close();
    for (const q of queued) await expect(q).rejects.toMatchObject({ code: '08003' });
    await expect(tx).resolves.toBe(1);
    await closing;
    await expect(db.query('select 1')).rejects.toMatchObject({ code: '08003' });
    expect((await db.health()).ok).toBe(false);
  });

  it('stops a worker stuck in a long query after the close timeout, failing that query clearly', async () => {
    const db = await createWorkerDb({ closeTimeoutMs: 300 });
    const slow = db.query('select pg_sleep(30)');
    const after = db.query('select 1');
    await sleep(50);
    const started = Date.now();
    await db.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(slow).rejects.toMatchObject({ code: '08003' });
    await expect(after).rejects.toSatisfy((e: unknown) => isDbError(e));
  });
});
