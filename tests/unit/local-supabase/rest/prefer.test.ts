import { describe, expect, it } from 'vitest';
import { checkMaxAffected, checkMaxAffectedRpc, checkStrict, parsePrefer, preferenceApplied } from '../../../../local-supabase/rest/prefer.ts';
import { restError } from './rest-error.ts';

// Expected values from PostgREST v14.17: src/PostgREST/ApiRequest/Preferences.hs (fromHeaders and
// its doctests, prefAppliedHeader), src/PostgREST/Error.hs (PGRST122, PGRST124, PGRST128),
// src/PostgREST/Response.hs (responsePreferences).

const tz = new Set(['America/Los_Angeles', 'UTC']);
const read = (header: string | undefined, allowTxOverride = true) => parsePrefer(header, { allowTxOverride, timezones: tz });

describe('Prefer (Preferences.hs fromHeaders)', () => {
  it('reads comma-separated preferences, with any spaces around them', () => {
    const p = read('count=exact,    tx=commit   ,return=representation , missing=default, handling=strict, anything');
    expect(p).toEqual({
      resolution: null,
      return: 'representation',
      count: 'exact',
      tx: 'commit',
      missing: 'default',
      handling: 'strict',
      timezone: null,
      maxAffected: null,
      invalid: ['anything'],
    });
  });

  it('takes the first value of a preference, across headers joined by fetch', () => {
    expect(read('tx=commit, tx=rollback').tx).toBe('commit');
    expect(read('resolution=ignore-duplicates, resolution=merge-duplicates').resolution).toBe('ignore-duplicates');
    expect(read('return=minimal, return=representation').return).toBe('minimal');
  });

  it('matches whole tokens only: no ; separator, no spaces around =, case matters', () => {
    const p = read('return=representation;count=exact, count = exact, Count=exact');
    expect(p.return).toBeNull();
    expect(p.count).toBeNull();
    expect(p.invalid).toEqual(['return=representation;count=exact', 'count = exact', 'Count=exact']);
  });

  // CHANGELOG.md 13.0.0: "#3757, Remove support for `Prefer: params=single-object`".
  it('params=single-object is no longer a preference (removed in PostgREST 13)', () => {
    expect(read('params=single-object').invalid).toEqual(['params=single-object']);
  });

  it('an empty token (trailing comma) is an invalid preference; an empty header is none', () => {
    expect(read('count=exact,').invalid).toEqual(['']);
    expect(read('').invalid).toEqual([]);
    expect(read(undefined).invalid).toEqual([]);
  });

  it('tx= is read only where db-tx-end allows overriding, and is never invalid', () => {
    expect(read('tx=rollback', false)).toMatchObject({ tx: null, invalid: [] });
    expect(read('tx=rollback', true)).toMatchObject({ tx: 'rollback', invalid: [] });
    expect(read('tx=maybe', true)).toMatchObject({ tx: null, invalid: ['tx=maybe'] });
  });

  it('timezone= must be a pg_timezone_names name, else it is invalid and not applied', () => {
    expect(read('timezone=America/Los_Angeles')).toMatchObject({ timezone: 'America/Los_Angeles', invalid: [] });
    expect(read('timezone=Mars/Olympus')).toMatchObject({ timezone: null, invalid: ['timezone=Mars/Olympus'] });
    expect(read('timezone=america/los_angeles').timezone).toBeNull();
  });

  it('max-affected= is never invalid; a value that is not a number is ignored', () => {
    expect(read('max-affected=100')).toMatchObject({ maxAffected: 100, invalid: [] });
    expect(read('max-affected=lots')).toMatchObject({ maxAffected: null, invalid: [] });
    expect(read('max-affected=lots, max-affected=5').maxAffected).toBeNull();
  });

  it('handling=strict refuses invalid preferences with PGRST122; lenient or absent ignores them', () => {
    expect(() => checkStrict(read('anything'))).not.toThrow();
    expect(() => checkStrict(read('handling=lenient, anything'))).not.toThrow();
    expect(restError(() => checkStrict(read('handling=strict, foo, bar=1'))).body()).toEqual({
      code: 'PGRST122',
      details: 'Invalid preferences: foo, bar=1',
      hint: null,
      message: 'Invalid preferences given with handling=strict',
    });
  });

  it('max-affected refuses more rows only with handling=strict (PGRST124), and non-set functions (PGRST128)', () => {
    expect(() => checkMaxAffected(read('max-affected=1'), 5)).not.toThrow();
    expect(() => checkMaxAffected(read('handling=strict, max-affected=5'), 5)).not.toThrow();
    const err = restError(() => checkMaxAffected(read('handling=strict, max-affected=1'), 2));
    expect([err.status, err.body()]).toEqual([400, { code: 'PGRST124', details: 'The query affects 2 rows', hint: null, message: 'Query result exceeds max-affected preference constraint' }]);
    expect(restError(() => checkMaxAffectedRpc(read('handling=strict, max-affected=1'), false)).body()).toEqual({
      code: 'PGRST128',
      details: null,
      hint: null,
      message: 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
    });
    expect(() => checkMaxAffectedRpc(read('max-affected=1'), false)).not.toThrow();
  });

  it('Preference-Applied lists what was applied, in prefAppliedHeader order, per action', () => {
    const all = read('max-affected=3, timezone=UTC, handling=strict, tx=rollback, count=exact, return=representation, missing=default, resolution=merge-duplicates');
    expect(preferenceApplied(all, 'insert', { hasConflictTarget: true })).toBe(
      'resolution=merge-duplicates, missing=default, return=representation, count=exact, tx=rollback, handling=strict, timezone=UTC',
    );
    expect(preferenceApplied(all, 'insert', { hasConflictTarget: false })).toBe('missing=default, return=representation, count=exact, tx=rollback, handling=strict, timezone=UTC');
    expect(preferenceApplied(all, 'update')).toBe('missing=default, return=representation, count=exact, tx=rollback, handling=strict, timezone=UTC, max-affected=3');
    expect(preferenceApplied(all, 'delete')).toBe('return=representation, count=exact, tx=rollback, handling=strict, timezone=UTC, max-affected=3');
    expect(preferenceApplied(all, 'read')).toBe('count=exact, tx=rollback, handling=strict, timezone=UTC');
    expect(preferenceApplied(all, 'rpc')).toBe('count=exact, tx=rollback, handling=strict, timezone=UTC, max-affected=3');
    expect(preferenceApplied(read('max-affected=3'), 'update')).toBeNull();
    expect(preferenceApplied(read('bogus'), 'read')).toBeNull();
  });
});
