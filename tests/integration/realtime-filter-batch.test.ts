// Batched filter matching (realtime/match.ts + filter-batch.ts) against the database itself: for
// seeded random subscriptions and changes, the subscriptions a change matches are exactly those whose
// every condition holds when Postgres compares the two values cast to the column type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../local-supabase/db/open.ts';
import type { Db } from '../../local-supabase/db/types.ts';
import { installCapture } from '../../local-supabase/realtime/capture.ts';
import { FilterBatch } from '../../local-supabase/realtime/filter-batch.ts';
import type { FilterOp } from '../../local-supabase/realtime/filters.ts';
import { matchChanges } from '../../local-supabase/realtime/match.ts';
import type { ChangeRow } from '../../local-supabase/realtime/payload.ts';
import { Registry, type ChannelSink, type Subscription, type TypedCondition } from '../../local-supabase/realtime/subscriptions.ts';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

const SYM: Record<FilterOp, string> = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=', in: '= any' };
// Values chosen so casts matter: '1.0' = '1.00' as numeric, ' 7' = '7' as int, text is exact.
const COLUMNS = [
  { column: 'n', castType: 'integer', values: ['1', '2', '7', ' 7', '-3', '10'] },
  { column: 'amount', castType: 'numeric', values: ['1.0', '1.00', '2.5', '10', '-0'] },
  { column: 'status', castType: 'text', values: ['open', 'closed', 'Open', 'in_progress', ''] },
];
const OPS: FilterOp[] = ['eq', 'eq', 'eq', 'in', 'in', 'neq', 'lt', 'gte'];

describe('batched realtime filters', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ databaseUrl: process.env.DATABASE_URL || undefined, memory: true });
    await installCapture(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function oracle(c: TypedCondition, v: string): Promise<boolean> {
    const rhs = c.op === 'in' ? `($2::${c.castType}[])` : `$2::${c.castType}`;
    const { rows } = await db.query<{ ok: boolean | null }>(`select ($1::${c.castType} ${SYM[c.op]} ${rhs}) as ok`, [v, c.value]);
    return rows[0]?.ok === true;
  }

  it('matches exactly what Postgres decides, pair by pair (seeded)', async () => {
    for (const seed of [11, 12, 13, 14]) {
      const r = rng(seed);
      const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
      const registry = new Registry();
      const subs: Subscription[] = [];
      for (let n = 0; n < 60; n++) {
        const sink: ChannelSink = { topic: `t${n}`, role: 'r', claimsJson: '{}', rlsKey: '', deliverChange: () => undefined };
        const conds: TypedCondition[] = Array.from({ length: Math.floor(r() * 3) }, () => {
          const col = pick(COLUMNS);
          const op = pick(OPS);
          const value = op === 'in' ? `{${[pick(col.values), pick(col.values)].map((x) => JSON.stringify(x)).join(',')}}` : pick(col.values);
          return { column: col.column, op, value, castType: col.castType };
        });
        const sub: Subscription = { bindingId: n, sink, action: pick(['*', 'INSERT', 'UPDATE', 'DELETE'] as const), tables: new Map([['public.t', conds]]) };
        registry.replace(sink, [sub]);
        subs.push(sub);
      }
      const rows: ChangeRow[] = Array.from({ length: 25 }, (_, i) => {
        const rec: Record<string, unknown> = {};
        for (const col of COLUMNS) if (r() < 0.9) rec[col.column] = col.castType === 'text' ? pick(col.values) : Number(pick(col.values).trim());
        const type = pick(['INSERT', 'UPDATE', 'DELETE'] as const);
        return { id: String(i), type, schema_name: 'public', table_name: 't', record: type === 'DELETE' ? null : rec, old_record: type === 'DELETE' ? rec : null, ts: '' };
      });
      const got = await matchChanges(rows, registry, new FilterBatch(db, new Map()));
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const src = (row.type === 'DELETE' ? row.old_record : row.record) ?? {};
        const want: number[] = [];
        for (const s of subs) {
          if (s.action !== '*' && s.action !== row.type) continue;
          let ok = true;
          for (const c of s.tables.get('public.t')!) {
            const v = src[c.column];
            if (v === undefined || v === null || !(await oracle(c, String(v)))) ok = false;
          }
          if (ok) want.push(s.bindingId);
        }
        expect(got[i]!.map((s) => s.bindingId).sort((a, b) => a - b), `seed ${seed} change ${i}`).toEqual(want);
      }
    }
  });
});
