import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../../../local-supabase/realtime/capture.ts';
import type { ChangeRow } from '../../../../local-supabase/realtime/payload.ts';
import { groupForRls, type RlsFacts } from '../../../../local-supabase/realtime/rls.ts';
import { rlsKeyOf, type ChannelSink, type Subscription } from '../../../../local-supabase/realtime/subscriptions.ts';
import { mulberry32 as rng } from '../../../support/rng.ts';

const table = (name: string, rls: boolean, pk: string[]): TableInfo => ({
  oid: name.length,
  schema: 'public',
  table: name,
  columns: [{ name: 'id', type: 'uuid', castType: 'uuid' }, { name: 'secret', type: 'text', castType: 'text' }],
  primaryKey: pk,
  rls,
  replicaIdentity: 'd',
});

const TABLES = new Map<string, TableInfo>([
  ['public.tickets', table('tickets', true, ['id'])],
  ['public.orders', table('orders', true, ['id'])],
  ['public.plain', table('plain', false, ['id'])],
  ['public.nokey', table('nokey', true, [])],
]);
const NAMES = ['tickets', 'orders', 'plain', 'nokey'];
const ROLES = ['authenticated', 'anon', 'service_role', 'keyless'];

// service_role bypasses RLS; `keyless` may not SELECT the key column (it gets Error 401 instead).
const FACTS: RlsFacts = {
  bypass: (role) => role === 'service_role',
  columns: (role) => new Set(role === 'keyless' ? ['secret'] : ['id', 'secret']),
};

function needsCheck(row: ChangeRow, s: Subscription): boolean {
  const t = TABLES.get(`${row.schema_name}.${row.table_name}`)!;
  return row.type !== 'DELETE' && t.rls && t.primaryKey.length > 0 && !FACTS.bypass(s.sink.role) && FACTS.columns(s.sink.role, t).has('id');
}

function scenario(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  // Few users, several tabs each (same claims, different session), so groups must merge them.
  const sinks: ChannelSink[] = Array.from({ length: 1 + Math.floor(r() * 40) }, (_, n) => {
    const claims = { role: pick(ROLES), sub: `user-${Math.floor(r() * 5)}`, iat: n, exp: 1e10 + n, session_id: `s${n}` };
    return { topic: `realtime:t${n}`, role: claims.role, claimsJson: JSON.stringify(claims), rlsKey: rlsKeyOf(claims), deliverChange: () => undefined };
  });
  const subs: Subscription[] = sinks.flatMap((sink, n) =>
    Array.from({ length: 1 + Math.floor(r() * 3) }, (_, b) => ({ bindingId: n * 10 + b, sink, action: '*' as const, tables: new Map() })),
  );
  const rows: ChangeRow[] = Array.from({ length: 1 + Math.floor(r() * 30) }, (_, i) => ({
    id: String(i + 1),
    type: pick(['INSERT', 'UPDATE', 'DELETE'] as const),
    schema_name: 'public',
    table_name: pick(NAMES),
    record: { id: `r${i}` },
    old_record: { id: `r${i}` },
    ts: '2026-01-01T00:00:00.000Z',
  }));
  // Filters already applied: each change matched a random subset (with repeats of one channel).
  const matched = rows.map(() => subs.filter(() => r() < 0.4));
  return { rows, matched };
}

describe('RLS grouping for one batch of changes', () => {
  it('checks each (role, claims) once, with exactly the changes its subscribers still need (200 seeded batches)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const { rows, matched } = scenario(seed);
      const groups = groupForRls(rows, matched, TABLES, FACTS);
      const want = new Map<string, Set<string>>();
      rows.forEach((row, i) => {
        for (const s of matched[i]!) {
          if (!needsCheck(row, s)) continue;
          const gk = `${s.sink.role}\0${s.sink.rlsKey}`;
          if (!want.has(gk)) want.set(gk, new Set());
          want.get(gk)!.add(`public.${row.table_name}:${i}`);
        }
      });
      expect([...groups.keys()].sort(), `seed ${seed}`).toEqual([...want.keys()].sort());
      for (const [gk, g] of groups) {
        const got = new Set<string>();
        for (const [tk, idxs] of g.byTable) {
          expect(idxs, `seed ${seed}: sorted, no repeats`).toEqual([...new Set(idxs)].sort((a, b) => a - b));
          for (const i of idxs) got.add(`${tk}:${i}`);
        }
        expect(got, `seed ${seed} group ${gk}`).toEqual(want.get(gk));
        // The claims sent are one member's, so policies see that user's sub and role.
        const claims = JSON.parse(g.claims) as { role: string };
        expect(`${claims.role}\0${rlsKeyOf(claims)}`).toBe(gk);
      }
    }
  });

  it('merges one user\'s tabs and keeps different users apart', () => {
    const mk = (sub: string, session: string): ChannelSink => {
      const claims = { role: 'authenticated', sub, session_id: session, iat: 1, exp: 2 };
      return { topic: 't', role: 'authenticated', claimsJson: JSON.stringify(claims), rlsKey: rlsKeyOf(claims), deliverChange: () => undefined };
    };
    const subs = [mk('a', '1'), mk('a', '2'), mk('b', '3')].map((sink, n) => ({ bindingId: n, sink, action: '*' as const, tables: new Map() }));
    const row: ChangeRow = { id: '1', type: 'INSERT', schema_name: 'public', table_name: 'tickets', record: { id: 'x' }, old_record: null, ts: '' };
    const groups = groupForRls([row], [subs], TABLES, FACTS);
    expect(groups.size).toBe(2);
  });
});
