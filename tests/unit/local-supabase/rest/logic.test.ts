import { describe, expect, it } from 'vitest';
import { MAX_LOGIC_DEPTH } from '../../../../local-supabase/rest/cursor.ts';
import { parseLogicKey, parseLogicTree } from '../../../../local-supabase/rest/logic.ts';
import { restError } from './rest-error.ts';

describe('logic trees', () => {
  it('reads or/and trees as postgrest-js builds them, nested and negated', () => {
    const t = parseLogicTree('or', '(a.eq.1,and(b.gt.2,c.is.null),not.or(d.in.(x,"y,z"),e.cs.{1,2}),f.eq."q,r")');
    expect(t.logic).toBe('or');
    expect(t.items).toHaveLength(4);
    expect(t.items[1]).toMatchObject({ logic: 'and', negate: false, items: [{ field: { name: 'b' } }, { operation: { kind: 'is', value: 'null' } }] });
    expect(t.items[2]).toMatchObject({ logic: 'or', negate: true, items: [{ operation: { values: ['x', 'y,z'] } }, { operation: { op: 'cs', value: '{1,2}' } }] });
    expect(t.items[3]).toMatchObject({ operation: { value: 'q,r' } });
    expect(parseLogicTree('not.and', '(a.eq.1)')).toMatchObject({ logic: 'and', negate: true });
  });

  it('reads every operator inside a tree', () => {
    const ops = ['eq.1', 'neq.1', 'gt.1', 'like(any).{a*,b*}', 'ilike(all).{a*}', 'match.^a', 'imatch.^a', 'isdistinct.1', 'fts(english).cat', 'plfts.cat', 'phfts.cat', 'wfts.cat', 'ov.{1}', 'sl."[1,2)"', 'adj."[1,2)"'];
    const t = parseLogicTree('and', `(${ops.map((o) => `x.${o}`).join(',')})`);
    expect(t.items).toHaveLength(ops.length);
  });

  it('reads embedded and negated keys', () => {
    expect(parseLogicKey('or')).toEqual({ path: [], op: 'or' });
    expect(parseLogicKey('not.and')).toEqual({ path: [], op: 'not.and' });
    expect(parseLogicKey('tickets.not.or')).toEqual({ path: ['tickets'], op: 'not.or' });
  });

  it('words errors as PostgREST 14 does (its spec: AndOrParamsSpec)', () => {
    expect(restError(() => parseLogicTree('or', '()')).body()).toEqual({
      code: 'PGRST100',
      details: 'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
      hint: null,
      message: '"failed to parse logic tree (())" (line 1, column 4)',
    });
    expect(parseLogicTree('and', '( and ( id.in.( 1, 2, 3 ) , id.eq.3 ) , or ( id.eq.2 , id.eq.3 ) )').items).toHaveLength(2);
  });

  it('refuses malformed trees with PGRST100', () => {
    for (const raw of ['a.eq.1', '()', '(a.eq.1', '(a.eq.1,)', '(a.nope.1)', '(a)']) {
      const err = restError(() => parseLogicTree('or', raw));
      expect(err.code).toBe('PGRST100');
      expect(err.message).toContain(`"failed to parse logic tree (${raw})"`);
    }
  });

  it(`accepts ${MAX_LOGIC_DEPTH} levels and refuses deeper trees without overflowing the stack`, () => {
    // n levels of operators: the root `or` and n - 1 nested ones
    const nest = (n: number) => `${'or('.repeat(n - 1)}a.eq.1${')'.repeat(n - 1)}`;
    expect(() => parseLogicTree('or', `(${nest(MAX_LOGIC_DEPTH)})`)).not.toThrow();
    for (const depth of [MAX_LOGIC_DEPTH + 1, 1_500, 50_000]) {
      const err = restError(() => parseLogicTree('or', `(${nest(depth)})`));
      expect(err.status).toBe(400);
      expect(err.code).toBe('PGRST100');
      expect(err.details).toBe(`nesting deeper than ${MAX_LOGIC_DEPTH} levels is not accepted`);
    }
  });
});
