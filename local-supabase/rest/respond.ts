import type { Context } from 'hono';
import { RestError } from './errors.ts';
import type { Prefer } from './params.ts';
import type { ReadNode } from './plan.ts';
import { contentRangeH, stripNulls } from './request.ts';
import type { ReadResult } from './sql.ts';

// The reply PostgREST gives (Response.hs): status, Content-Range, Preference-Applied, body.

export const JSON_TYPE = 'application/json; charset=utf-8';
const OBJECT_TYPE = 'application/vnd.pgrst.object+json';

export function wantsObject(c: Context): boolean {
  return (c.req.header('Accept') ?? '').includes(OBJECT_TYPE);
}

export function respondRead(c: Context, result: ReadResult, body: string, root: ReadNode) {
  const lower = root.offset ?? 0;
  const upper = lower + result.page_count - 1;
  const total = result.total;
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, 'Content-Range': contentRangeH(lower, upper, total) };
  if (total !== null && lower > total) {
    throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', `An offset of ${lower} was requested, but there are only ${total} rows.`, null, headers);
  }
  if (wantsObject(c)) {
    headers['Content-Type'] = `${OBJECT_TYPE}; charset=utf-8`;
    body = result.first ?? 'null';
  }
  if ((c.req.header('Accept') ?? '').includes('nulls=stripped')) body = JSON.stringify(stripNulls(JSON.parse(body)));
  const code = total !== null && result.page_count < total ? 206 : 200;
  return c.req.method === 'HEAD' ? c.body(null, code, headers) : c.body(body, code, headers);
}

export function respondWrite(c: Context, method: string, prefer: Prefer, result: ReadResult) {
  const n = result.page_count;
  const counted = prefer.count === 'exact' || prefer.count === 'estimated' ? n : null;
  const headers: Record<string, string> = {
    'Content-Range': method === 'PATCH' ? contentRangeH(0, n - 1, counted) : contentRangeH(1, 0, counted),
  };
  const applied = [
    method === 'POST' && prefer.resolution ? `resolution=${prefer.resolution}` : null,
    prefer.missingDefault && method !== 'DELETE' ? 'missing=default' : null,
    prefer.return ? `return=${prefer.return}` : null,
    prefer.count ? `count=${prefer.count}` : null,
  ].filter(Boolean);
  if (applied.length) headers['Preference-Applied'] = applied.join(', ');
  // An upsert that only updated rows answers 200 (Response.hs: isInsertIfGTZero).
  const inserted = result.inserted ?? null;
  const created = !(prefer.resolution === 'merge-duplicates' && (inserted ?? 0) <= 0);
  if (prefer.return !== 'representation') return c.body(null, method === 'POST' ? (created ? 201 : 200) : 204, headers);
  const status = method === 'POST' ? (created ? 201 : 200) : 200;
  if (wantsObject(c)) return c.body(result.first ?? 'null', status, { ...headers, 'Content-Type': `${OBJECT_TYPE}; charset=utf-8` });
  return c.body(result.body, status, { ...headers, 'Content-Type': JSON_TYPE });
}
