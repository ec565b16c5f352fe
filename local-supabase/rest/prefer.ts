import { RestError } from './errors.ts';
import { readInteger } from './range.ts';

// The Prefer header as PostgREST 14 reads it (src/PostgREST/ApiRequest/Preferences.hs fromHeaders):
// every Prefer header split on ',' and stripped; each preference is the first token that is exactly
// one of its values; unknown tokens are collected and only matter with handling=strict (PGRST122).

export type CountPref = 'exact' | 'planned' | 'estimated';
export type ReturnPref = 'minimal' | 'representation' | 'headers-only';
export type ResolutionPref = 'merge-duplicates' | 'ignore-duplicates';

export interface Prefer {
  resolution: ResolutionPref | null;
  return: ReturnPref | null;
  count: CountPref | null;
  /** only set when the server allows it (db-tx-end *-allow-override) */
  tx: 'commit' | 'rollback' | null;
  missing: 'default' | 'null' | null;
  handling: 'strict' | 'lenient' | null;
  /** a name of pg_timezone_names; any other value is not applied */
  timezone: string | null;
  maxAffected: number | null;
  /** tokens PostgREST does not accept, in order */
  invalid: string[];
}

export interface PreferOptions {
  /** PostgREST's db-tx-end allows `tx=` (commit-allow-override, rollback-allow-override) */
  allowTxOverride: boolean;
  /** pg_timezone_names, as PostgREST caches them */
  timezones: ReadonlySet<string>;
}

const VALUES = {
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  return: ['representation', 'minimal', 'headers-only'],
  count: ['exact', 'planned', 'estimated'],
  tx: ['commit', 'rollback'],
  missing: ['default', 'null'],
  handling: ['strict', 'lenient'],
} as const;

const ACCEPTED = new Set(Object.entries(VALUES).flatMap(([key, values]) => values.map((v) => `${key}=${v}`)));

/** BS.strip: ASCII whitespace off both ends. */
function strip(s: string): string {
  return s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
}

function first<K extends keyof typeof VALUES>(tokens: string[], key: K): (typeof VALUES)[K][number] | null {
  for (const t of tokens) {
    for (const v of VALUES[key]) if (t === `${key}=${v}`) return v;
  }
  return null;
}

/** The request's preferences; `header` is every Prefer header joined with ", " (as fetch sends them). */
export function parsePrefer(header: string | undefined, opts: PreferOptions): Prefer {
  const tokens = header ? header.split(',').map(strip) : [];
  const valueOf = (prefix: string) => tokens.find((t) => t.startsWith(prefix))?.slice(prefix.length) ?? null;
  const tz = valueOf('timezone=');
  const tzAccepted = tz !== null && opts.timezones.has(tz);
  const maxAffected = valueOf('max-affected=');
  return {
    resolution: first(tokens, 'resolution'),
    return: first(tokens, 'return'),
    count: first(tokens, 'count'),
    tx: opts.allowTxOverride ? first(tokens, 'tx') : null,
    missing: first(tokens, 'missing'),
    handling: first(tokens, 'handling'),
    timezone: tzAccepted ? tz : null,
    maxAffected: maxAffected === null ? null : readInteger(maxAffected),
    invalid: tokens.filter((t) => !ACCEPTED.has(t) && (!t.startsWith('timezone=') || !tzAccepted) && !t.startsWith('max-affected=')),
  };
}

/** Plan.hs: with handling=strict, any preference PostgREST does not accept refuses the request. */
export function checkStrict(prefer: Prefer): void {
  if (prefer.handling !== 'strict' || prefer.invalid.length === 0) return;
  throw new RestError(400, 'PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${prefer.invalid.join(', ')}`);
}

/** MainTx.hs failExceedsMaxAffectedPref: only with handling=strict. */
export function checkMaxAffected(prefer: Prefer, affected: number): void {
  if (prefer.maxAffected === null || prefer.handling !== 'strict' || affected <= prefer.maxAffected) return;
  throw new RestError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint', `The query affects ${affected} rows`);
}

/** Plan.hs failMaxAffectedRpcReturnsSingle. */
export function checkMaxAffectedRpc(prefer: Prefer, returnsSet: boolean): void {
  if (prefer.maxAffected === null || prefer.handling !== 'strict' || returnsSet) return;
  throw new RestError(400, 'PGRST128', 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict');
}

/** What the response is; Response.hs responsePreferences keeps some preferences only for some of them. */
export type Action = 'read' | 'rpc' | 'insert' | 'update' | 'delete';

/**
 * Preference-Applied (Preferences.hs prefAppliedHeader), null when empty. `resolution` only for an
 * insert into a table with a primary key or an on_conflict.
 */
export function preferenceApplied(prefer: Prefer, action: Action, opts: { hasConflictTarget?: boolean } = {}): string | null {
  const isMutation = action === 'insert' || action === 'update' || action === 'delete';
  const values = [
    action === 'insert' && opts.hasConflictTarget && prefer.resolution ? `resolution=${prefer.resolution}` : null,
    (action === 'insert' || action === 'update') && prefer.missing ? `missing=${prefer.missing}` : null,
    isMutation && prefer.return ? `return=${prefer.return}` : null,
    prefer.count ? `count=${prefer.count}` : null,
    prefer.tx ? `tx=${prefer.tx}` : null,
    prefer.handling ? `handling=${prefer.handling}` : null,
    prefer.timezone !== null ? `timezone=${prefer.timezone}` : null,
    (action === 'update' || action === 'delete' || action === 'rpc') && prefer.handling === 'strict' && prefer.maxAffected !== null
      ? `max-affected=${prefer.maxAffected}`
      : null,
  ].filter((v): v is string => v !== null);
  return values.length ? values.join(', ') : null;
}
