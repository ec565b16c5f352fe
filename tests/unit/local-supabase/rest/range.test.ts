import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../../local-supabase/rest/params.ts';
import { limitOffset, parseRangeHeader, queryRanges, readInteger, topLevelRange } from '../../../../local-supabase/rest/range.ts';
import { restError } from './rest-error.ts';

// Expected values from PostgREST v14.17: src/PostgREST/RangeQuery.hs (rangeParse, restrictRange,
// limitZeroRange), src/PostgREST/ApiRequest/QueryParams.hs (`ranges`: readMaybe, HashMap.fromList,
// unionWith), src/PostgREST/ApiRequest.hs (getRanges), src/PostgREST/Error.hs (PGRST103 details),
// src/PostgREST/Query/SqlFragment.hs (limitOffsetF).

const LOWER_GT_UPPER = 'The lower boundary must be lower than or equal to the upper boundary in the Range header.';
const NEGATIVE_LIMIT = 'Limit should be greater than or equal to zero.';

describe('ranges (RangeQuery.hs, QueryParams.hs, ApiRequest.hs getRanges)', () => {
  it('reads integers as Haskell readMaybe does', () => {
    expect(['5', ' 5 ', '(5)', '( (5) )', '-5', '- 5', '(-5)', '0x1f', '0o17', '007'].map(readInteger)).toEqual([5, 5, 5, 5, -5, -5, -5, 31, 15, 7]);
    expect(['', 'abc', '1.5', '1e3', '+1', '10abc', '(5', '-(5)', '0x'].map(readInteger)).toEqual(Array(9).fill(null));
  });

  it('parses the Range header as ^([0-9]+)-([0-9]*)$, anything else is every row', () => {
    expect(parseRangeHeader('0-1')).toEqual({ lower: 0, upper: 1 });
    expect(parseRangeHeader('3-')).toEqual({ lower: 3, upper: null });
    expect(parseRangeHeader('items=0-1')).toEqual({ lower: 0, upper: null });
    expect(parseRangeHeader(' 0-1')).toEqual({ lower: 0, upper: null });
    expect(parseRangeHeader('-1')).toEqual({ lower: 0, upper: null });
  });

  it('combines limit and offset per key; the last of a key wins; a limit that is no number counts as 0 beside an offset', () => {
    expect(queryRanges([['limit', '2']], [['offset', '3']]).get('limit')).toEqual({ lower: 3, upper: 4 });
    expect(queryRanges([['limit', '2'], ['limit', '4']], []).get('limit')).toEqual({ lower: 0, upper: 3 });
    expect(queryRanges([['limit', 'x']], []).get('limit')).toEqual({ lower: 0, upper: null });
    expect(queryRanges([['limit', 'x']], [['offset', '2']]).get('limit')).toEqual({ lower: 2, upper: 1 });
    expect(queryRanges([], [['tickets.offset', '2']]).get('tickets.limit')).toEqual({ lower: 2, upper: null });
  });

  it('intersects the top level with the Range header; limit=0 alone may be empty', () => {
    expect(topLevelRange(undefined, '0-1')).toEqual({ lower: 0, upper: 1 });
    expect(topLevelRange({ lower: 0, upper: 0 }, '0-5')).toEqual({ lower: 0, upper: 0 });
    expect(topLevelRange({ lower: 0, upper: -1 }, '2-5')).toEqual({ lower: 0, upper: -1 });
    expect(restError(() => topLevelRange(undefined, '5-2')).body()).toEqual({ code: 'PGRST103', details: LOWER_GT_UPPER, hint: null, message: 'Requested range not satisfiable' });
    expect(restError(() => topLevelRange({ lower: 0, upper: -2 }, undefined)).details).toBe(NEGATIVE_LIMIT);
    expect(restError(() => topLevelRange({ lower: 5, upper: null }, '0-1')).details).toBe(NEGATIVE_LIMIT);
  });

  it('renders LIMIT/OFFSET as limitOffsetF: nothing for every row, negative values as they are', () => {
    expect(limitOffset({ lower: 0, upper: null })).toEqual({ limit: null, offset: null });
    expect(limitOffset({ lower: 3, upper: 4 })).toEqual({ limit: 2, offset: 3 });
    expect(limitOffset({ lower: -3, upper: null })).toEqual({ limit: null, offset: -3 });
    expect(limitOffset({ lower: 0, upper: -2 })).toEqual({ limit: -1, offset: 0 });
  });

  it('parseQuery: the top level gets the Range header, embeddings their own limit/offset', () => {
    const q = parseQuery([['limit', '10'], ['tickets.limit', '2'], ['tickets.offset', '1']], false, '2-3');
    expect(q.limit).toEqual([{ path: [], value: 2 }, { path: ['tickets'], value: 2 }]);
    expect(q.offset).toEqual([{ path: [], value: 2 }, { path: ['tickets'], value: 1 }]);
    expect(restError(() => parseQuery([['limit', 'x'], ['offset', '2']])).details).toBe(NEGATIVE_LIMIT);
    expect(parseQuery([['limit', 'x'], ['offset', '0']]).limit).toEqual([{ path: [], value: 0 }]);
  });
});
