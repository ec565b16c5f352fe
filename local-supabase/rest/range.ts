import { RestError } from './errors.ts';

// Ranges of rows as PostgREST 14 computes them (src/PostgREST/RangeQuery.hs, QueryParams.hs `ranges`,
// ApiRequest.hs getRanges): `limit`/`offset` of each embedding level, intersected at the top level
// with the Range header of a GET. A range is [lower, upper], upper inclusive, null = unbounded.

export interface Range {
  lower: number;
  upper: number | null;
}

export const ALL_RANGE: Range = { lower: 0, upper: null };
/** Data.Ranged's emptyRange */
const EMPTY_RANGE: Range = { lower: Number.POSITIVE_INFINITY, upper: Number.NEGATIVE_INFINITY };

/**
 * Haskell's `readMaybe :: Maybe Integer`, which PostgREST uses for limit, offset and max-affected:
 * surrounding spaces and parentheses, a leading `-`, decimal, 0x hex or 0o octal digits; anything
 * else (`1.5`, `1e3`, `+1`, `10abc`) is not a number and the parameter is ignored.
 */
export function readInteger(raw: string): number | null {
  let s = raw.trim();
  for (let m = /^\(([\s\S]*)\)$/.exec(s); m; m = /^\(([\s\S]*)\)$/.exec(s)) s = (m[1] ?? '').trim();
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1).trimStart();
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) n = parseInt(s.slice(2), 16);
  else if (/^0[oO][0-7]+$/.test(s)) n = parseInt(s.slice(2), 8);
  else if (/^[0-9]+$/.test(s)) n = parseInt(s, 10);
  else return null;
  return neg ? -n : n;
}

export function isEmptyRange(r: Range): boolean {
  return r.upper !== null && r.upper < r.lower;
}

export function rangeLimit(r: Range): number | null {
  return r.upper === null ? null : 1 + r.upper - r.lower;
}

function intersect(a: Range, b: Range): Range {
  if (isEmptyRange(a) || isEmptyRange(b)) return EMPTY_RANGE;
  const upper = a.upper === null ? b.upper : b.upper === null ? a.upper : Math.min(a.upper, b.upper);
  return { lower: Math.max(a.lower, b.lower), upper };
}

/** `limit=0` (0 <= x <= -1): the one empty range PostgREST lets through. */
function hasLimitZero(r: Range): boolean {
  return r.upper === -1;
}

/**
 * The ranges of a query string, keyed like PostgREST's qsRanges (`limit`, `tickets.limit`; an
 * `offset` key counts under its `limit` key). Within each kind the last value of a key wins
 * (HashMap.fromList); a limit that is not a number reads as no limit, yet with an offset beside it
 * counts as 0 rows (`fromMaybe 0 (rangeLimit rl)`).
 */
export function queryRanges(limits: [string, string][], offsets: [string, string][]): Map<string, Range> {
  const limitRanges = new Map<string, Range>();
  for (const [key, value] of limits) {
    const n = readInteger(value);
    limitRanges.set(key, n === null ? ALL_RANGE : { lower: 0, upper: n - 1 });
  }
  const ranges = new Map(limitRanges);
  const offsetRanges = new Map<string, Range>();
  for (const [key, value] of offsets) {
    const n = readInteger(value);
    offsetRanges.set(key.slice(0, key.length - 'offset'.length) + 'limit', n === null ? ALL_RANGE : { lower: n, upper: null });
  }
  for (const [key, ro] of offsetRanges) {
    const rl = limitRanges.get(key);
    if (!rl) ranges.set(key, ro);
    else ranges.set(key, { lower: ro.lower, upper: ro.lower + (rangeLimit(rl) ?? 0) - 1 });
  }
  return ranges;
}

/** rangeParse: `^([0-9]+)-([0-9]*)$`, anything else is every row. */
export function parseRangeHeader(header: string | undefined): Range {
  const m = /^([0-9]+)-([0-9]*)$/.exec(header ?? '');
  if (!m) return ALL_RANGE;
  return { lower: Number(m[1]), upper: m[2] ? Number(m[2]) : null };
}

export function rangeNotSatisfiable(details: string, headers: Record<string, string> = {}): RestError {
  return new RestError(416, 'PGRST103', 'Requested range not satisfiable', details, null, headers);
}

/**
 * getRanges: the top level's range, the query's `limit`/`offset` intersected with the Range header
 * (read on GET only, per RFC 9110). An empty result other than limit=0 is 416 PGRST103.
 */
export function topLevelRange(limitRange: Range | undefined, rangeHeader: string | undefined): Range {
  const headerRange = parseRangeHeader(rangeHeader);
  const limit = limitRange ?? ALL_RANGE;
  const range = hasLimitZero(limit) ? { lower: 0, upper: -1 } : intersect(headerRange, limit);
  if (isEmptyRange(range) && !hasLimitZero(limit)) {
    throw rangeNotSatisfiable(
      isEmptyRange(headerRange)
        ? 'The lower boundary must be lower than or equal to the upper boundary in the Range header.'
        : 'Limit should be greater than or equal to zero.',
    );
  }
  return range;
}

/** limitOffsetF: nothing for every row, else LIMIT (ALL when unbounded) and OFFSET. */
export function limitOffset(r: Range): { limit: number | null; offset: number | null } {
  if (r.lower === 0 && r.upper === null) return { limit: null, offset: null };
  return { limit: rangeLimit(r), offset: r.lower };
}
