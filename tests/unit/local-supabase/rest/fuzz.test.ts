import { describe, expect, it } from 'vitest';
import { RestError } from '../../../../local-supabase/rest/errors.ts';
import { isLogicTree, parseLogicTree } from '../../../../local-supabase/rest/logic.ts';
import type { Condition } from '../../../../local-supabase/rest/logic.ts';
import { parseQuery } from '../../../../local-supabase/rest/params.ts';
import { readPlan } from '../../../../local-supabase/rest/plan.ts';
import { findRelationship, toRelationships } from '../../../../local-supabase/rest/relations.ts';
import { parseSelect } from '../../../../local-supabase/rest/select.ts';
import { conditionSql, nodeSql, Params } from '../../../../local-supabase/rest/sql.ts';
import { mulberry32 as seeded } from '../../../support/rng.ts';

// Seeded fuzzing of every parser: whatever the input, the only thing thrown is the typed
// RestError (PGRST100, or PGRST103 for a negative limit), and what parses renders to SQL.

const PIECES = ['(', ')', ',', '.', ':', '::', '!', '"', '\\', '*', '{', '}', '[', ']', '->', '->>', ' ', '-', 'not.', 'or', 'and', 'eq', 'in', 'is',
  'null', 'cs', 'fts', '(english)', '(any)', '(all)', 'like', 'a', 'b_1', '$', '…', '😀', '\u0000', '9', 'inner', 'left', '...', 'count()', '.sum()'];
const OPS = ['eq.1', 'neq.x', 'gt.2', 'gte.2', 'lt.3', 'lte.3', 'like.*a*', 'ilike(any).{a*,b*}', 'match.^a', 'imatch(all).{a}', 'in.(1,"2,3")', 'is.null',
  'is.not_null', 'isdistinct.4', 'cs.{1,2}', 'cd.{1}', 'ov.{1}', 'sl."[1,2)"', 'sr."[1,2)"', 'nxl."[1,2)"', 'nxr."[1,2)"', 'adj."[1,2)"', 'fts(english).cat',
  'plfts.cat', 'phfts.cat', 'wfts.cat'];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function garbage(rand: () => number): string {
  let s = '';
  const n = Math.floor(rand() * 30);
  for (let i = 0; i < n; i++) s += pick(rand, PIECES);
  return s;
}

function onlyRestErrors(fn: () => unknown): 'ok' | RestError {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof RestError) return err;
    throw err;
  }
}

/** A random well-formed tree and its depth. */
function tree(rand: () => number, depth: number): { text: string; depth: number } {
  if (depth <= 1 || rand() < 0.3) return { text: `${pick(rand, ['a', 'b', 'c', '"q r"'])}.${rand() < 0.3 ? 'not.' : ''}${pick(rand, OPS)}`, depth: 1 };
  const n = 1 + Math.floor(rand() * 3);
  const kids = Array.from({ length: n }, () => tree(rand, depth - 1));
  return { text: `${rand() < 0.3 ? 'not.' : ''}${pick(rand, ['and', 'or'])}(${kids.map((k) => k.text).join(',')})`, depth: 1 + Math.max(...kids.map((k) => k.depth)) };
}

function maxDepth(c: Condition): number {
  return isLogicTree(c) ? 1 + Math.max(...c.items.map(maxDepth)) : 1;
}

describe('parsers under fuzzed input', () => {
  it('throw nothing but PGRST100/PGRST103 for random filters, orders and keys', () => {
    const rand = seeded(20261201);
    for (let i = 0; i < 3000; i++) {
      const key = rand() < 0.5 ? pick(rand, ['a', 'tickets.a', 'a->b', 'order', 'tickets.order', 'limit', 'or', 'not.and', 'select', 'columns', 'on_conflict']) : garbage(rand);
      const value = rand() < 0.4 ? `${rand() < 0.3 ? 'not.' : ''}${pick(rand, OPS)}${garbage(rand)}` : garbage(rand);
      const outcome = onlyRestErrors(() => {
        const q = parseQuery([[key, value]]);
        if (q.select !== undefined) parseSelect(q.select);
        const p = new Params();
        for (const f of q.filters) conditionSql(f.value, 't', p);
        for (const l of q.logic) conditionSql(l.value, 't', p);
      });
      if (outcome !== 'ok') {
        expect(['PGRST100', 'PGRST103']).toContain(outcome.code);
        expect(outcome.body()).toEqual({ code: outcome.code, message: expect.any(String), details: expect.any(String), hint: null });
      }
    }
  });

  it('throw nothing but PGRST100 for random select trees', () => {
    const rand = seeded(7);
    for (let i = 0; i < 3000; i++) {
      const outcome = onlyRestErrors(() => parseSelect(garbage(rand)));
      if (outcome !== 'ok') expect(outcome.code).toBe('PGRST100');
    }
  });

  it('parse random well-formed logic trees to the same shape and render them', () => {
    const rand = seeded(42);
    for (let i = 0; i < 500; i++) {
      const t = tree(rand, 1 + Math.floor(rand() * 8));
      if (t.depth === 1) continue;
      const negated = t.text.startsWith('not.');
      const body = t.text.slice(t.text.indexOf('('));
      const op = t.text.slice(0, t.text.indexOf('('));
      const parsed = parseLogicTree(op, body);
      expect(parsed.negate).toBe(negated);
      expect(maxDepth(parsed)).toBe(t.depth);
      const p = new Params();
      expect(conditionSql(parsed, 't', p)).toMatch(/^(not )?\(/);
    }
  });

  it('plan and render random select trees and query keys against real relationships, throwing only RestError', () => {
    const rels = toRelationships([
      { table_name: 'tickets', foreign_table_name: 'customers', constraint_name: 'tickets_customer_id_fkey', cols: ['customer_id'], fcols: ['id'], one_to_one: false },
      { table_name: 'orders', foreign_table_name: 'customers', constraint_name: 'orders_customer_id_fkey', cols: ['customer_id'], fcols: ['id'], one_to_one: false },
    ]);
    const tables = new Set(['tickets', 'customers', 'orders']);
    const schema = { relationship: (o: string, t: string, h: string | null) => findRelationship(rels, tables, o, t, h) };
    const names = ['tickets', 'customers', 'orders', 'customer:customers', 'customers!inner', 'tickets!left', '...customers', '...tickets', 'nope'];
    const rand = seeded(1234);
    const select = (depth: number): string => {
      const n = 1 + Math.floor(rand() * 3);
      return Array.from({ length: n }, () => (depth > 0 && rand() < 0.5 ? `${pick(rand, names)}(${select(depth - 1)})` : pick(rand, ['*', 'id', 'a:id', 'doc->>k', 'id::text', 'total.sum()', 'count()']))).join(',');
    };
    let planned = 0;
    for (let i = 0; i < 2000; i++) {
      const query: [string, string][] = [];
      for (let k = 0; k < Math.floor(rand() * 4); k++) {
        query.push([pick(rand, ['id', 'customers.id', 'tickets.id', 'customers', 'tickets.order', 'order', 'customers.limit', 'tickets.or', 'limit']), pick(rand, ['eq.1', 'is.null', 'not.is.null', 'id.desc', '(id.eq.1,id.eq.2)', '3', 'customers(id).desc'])]);
      }
      const outcome = onlyRestErrors(() => {
        const root = readPlan(schema, { table: pick(rand, ['tickets', 'customers', 'orders']), from: '"public"."t"', qualifier: 't' }, parseSelect(select(3)), parseQuery(query), { maxRows: 1000, isWrite: rand() < 0.3 });
        nodeSql(root, new Params());
        planned++;
      });
      if (outcome !== 'ok') {
        expect(outcome.code).toMatch(/^PGRST1\d\d$|^PGRST20[01]$/);
        expect(Object.keys(outcome.body()).sort()).toEqual(['code', 'details', 'hint', 'message']);
      }
    }
    expect(planned).toBeGreaterThan(100);
  });

  it('refuse random deep nesting of trees and selects without overflowing', () => {
    const rand = seeded(99);
    for (let i = 0; i < 50; i++) {
      const depth = 101 + Math.floor(rand() * 20_000);
      const open = pick(rand, ['or(', 'and(', 'not.or(']);
      expect(onlyRestErrors(() => parseLogicTree('or', `(${open.repeat(depth)}a.eq.1${')'.repeat(depth)})`))).toMatchObject({ code: 'PGRST100' });
      expect(onlyRestErrors(() => parseSelect(`${'x('.repeat(depth)}a${')'.repeat(depth)}`))).toMatchObject({ code: 'PGRST100' });
    }
  });
});
