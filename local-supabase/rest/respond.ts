import type { Context } from 'hono';
import type { Media } from './media.ts';
import type { Action, Prefer } from './prefer.ts';
import { preferenceApplied } from './prefer.ts';
import type { ReadNode } from './plan.ts';
import { rangeNotSatisfiable } from './range.ts';
import { contentRangeH, stripNulls } from './request.ts';
import type { ReadResult } from './sql.ts';

// The reply PostgREST gives (Response.hs): status, Content-Range, Preference-Applied, body.

export const JSON_TYPE = 'application/json; charset=utf-8';

/** What every response of the request carries besides its own headers. */
export interface ResponseContext {
  prefer: Prefer;
  /** the schema the request is for */
  schema: string;
  /** Content-Profile, when the schema was negotiated (several exposed schemas, or a profile header) */
  profile: string | null;
  /** what Accept negotiated (media.ts); JSON until the request is planned */
  media: Media;
}

function contentTypeHeaders(type: string, rc: ResponseContext): Record<string, string> {
  return rc.profile ? { 'Content-Type': type, 'Content-Profile': rc.profile } : { 'Content-Type': type };
}

function withPreferenceApplied(headers: Record<string, string>, value: string | null): Record<string, string> {
  if (value) headers['Preference-Applied'] = value;
  return headers;
}

export function respondRead(c: Context, result: ReadResult, body: string, root: ReadNode, rc: ResponseContext, action: Action = 'read') {
  const lower = root.offset ?? 0;
  const upper = lower + result.page_count - 1;
  const total = result.total;
  const applied = preferenceApplied(rc.prefer, action);
  const headers: Record<string, string> = withPreferenceApplied({ 'Content-Range': contentRangeH(lower, upper, total) }, applied);
  if (total !== null && lower > total) {
    throw rangeNotSatisfiable(`An offset of ${lower} was requested, but there are only ${total} rows.`, headers);
  }
  if (rc.media.kind === 'csv') body = result.body;
  if (rc.media.kind === 'object') body = result.first ?? 'null';
  if (rc.media.stripNulls) body = JSON.stringify(stripNulls(JSON.parse(body)));
  Object.assign(headers, contentTypeHeaders(rc.media.contentType, rc));
  const code = total !== null && result.page_count < total ? 206 : 200;
  return c.req.method === 'HEAD' ? c.body(null, code, headers) : c.body(body, code, headers);
}

/** http-types urlEncode True: unreserved characters stay, a space is `+`, the rest is %XX. */
function queryEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * Location for return=headers-only (SqlFragment.hs locationF): when exactly one row was inserted,
 * `/<table>?<pk>=eq.<value>` (`is.null` for null) for its primary key columns, in column order.
 */
function locationHeader(table: string, primaryKey: string[], result: ReadResult): string | null {
  if (result.page_count !== 1 || !result.first || !primaryKey.length) return null;
  const row = JSON.parse(result.first) as Record<string, unknown>;
  const pairs = Object.entries(row)
    .filter(([k]) => primaryKey.includes(k))
    .map(([k, v]) => [k, v === null ? 'is.null' : `eq.${typeof v === 'object' ? JSON.stringify(v) : String(v)}`] as const);
  return `/${table}${pairs.length ? `?${pairs.map(([k, v]) => `${queryEncode(k)}=${queryEncode(v)}`).join('&')}` : ''}`;
}

export interface WriteTarget {
  table: string;
  primaryKey: string[];
  /** a primary key or on_conflict: `resolution=` is applied (and named in Preference-Applied) */
  hasConflictTarget: boolean;
}

export function respondWrite(c: Context, method: string, result: ReadResult, rc: ResponseContext, target: WriteTarget) {
  const { prefer } = rc;
  const n = result.page_count;
  const counted = prefer.count === 'exact' || prefer.count === 'estimated' ? n : null;
  const action: Action = method === 'POST' ? 'insert' : method === 'PATCH' ? 'update' : 'delete';
  const headers: Record<string, string> = {};
  const location = method === 'POST' && prefer.return === 'headers-only' ? locationHeader(target.table, target.primaryKey, result) : null;
  if (location) headers.Location = location;
  headers['Content-Range'] = method === 'PATCH' ? contentRangeH(0, n - 1, counted) : contentRangeH(1, 0, counted);
  withPreferenceApplied(headers, preferenceApplied(prefer, action, { hasConflictTarget: target.hasConflictTarget }));
  // An upsert that only updated rows answers 200 (Response.hs: isInsertIfGTZero).
  const inserted = result.inserted ?? null;
  const created = !(prefer.resolution === 'merge-duplicates' && (inserted ?? 0) <= 0);
  if (prefer.return !== 'representation') return c.body(null, method === 'POST' ? (created ? 201 : 200) : 204, headers);
  const status = method === 'POST' ? (created ? 201 : 200) : 200;
  let body = rc.media.kind === 'object' ? (result.first ?? 'null') : result.body;
  if (rc.media.stripNulls) body = JSON.stringify(stripNulls(JSON.parse(body)));
  return c.body(body, status, { ...headers, ...contentTypeHeaders(rc.media.contentType, rc) });
}
