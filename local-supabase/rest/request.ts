import type { Context } from 'hono';
import { MAX_JSON_DEPTH } from './cursor.ts';
import { RestError } from './errors.ts';
import type { RequestContext } from './auth.ts';
import type { QueryParts } from './params.ts';
import { parseQuery, queryPairs } from './params.ts';
import { EXPOSED_SCHEMA } from './schema.ts';

// Reading a PostgREST request: query string, headers, body; and the Content-Range it gets back.

/** The query string; a GET's Range header narrows the top level's rows (ApiRequest.hs getRanges). */
export function requestQuery(c: Context, isRpcRead = false): QueryParts {
  return parseQuery(queryPairs(new URL(c.req.url).search), isRpcRead, c.req.method === 'GET' ? c.req.header('Range') : undefined);
}

/**
 * The schema a request is for (ApiRequest.hs getSchema): Accept-Profile on GET/HEAD (and other
 * reads), Content-Profile on POST/PATCH/PUT/DELETE; absent, the first exposed schema. A schema that
 * is not exposed is 406 PGRST106. `negotiated`: the response names its schema in Content-Profile
 * (a profile header was sent, or more than one schema is exposed).
 */
export function requestSchema(c: Context, exposed: string[]): { name: string; negotiated: boolean } {
  const writes = ['POST', 'PATCH', 'PUT', 'DELETE'];
  const profile = c.req.header(writes.includes(c.req.method) ? 'Content-Profile' : 'Accept-Profile');
  if (profile === undefined) return { name: exposed[0] ?? EXPOSED_SCHEMA, negotiated: exposed.length !== 1 };
  if (!exposed.includes(profile)) {
    throw new RestError(406, 'PGRST106', `Invalid schema: ${profile}`, null, `Only the following schemas are exposed: ${exposed.join(', ')}`);
  }
  return { name: profile, negotiated: true };
}

/** How deep arrays and objects nest in JSON text (strings skipped), stopping once past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (ch === 93 || ch === 125) depth--;
  }
  return max;
}

/**
 * The JSON body. Nesting deeper than MAX_JSON_DEPTH is refused here, before any query or permission
 * check runs (PostgREST's PGRST102 for a body it cannot take).
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new RestError(400, 'PGRST102', 'Empty or invalid json', `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not accepted`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RestError(400, 'PGRST102', 'Empty or invalid json');
  }
}

export async function readBody(c: Context): Promise<unknown> {
  return parseJsonBody(await c.req.text());
}

export function requestContext(c: Context, path: string): RequestContext {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return { method: c.req.method, path, headers };
}

/** PostgREST's contentRangeH: `lower-upper/total`, `*` for an empty range or an unknown total. */
export function contentRangeH(lower: number, upper: number, total: number | null): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*';
  return `${range}/${total === null ? '*' : String(total)}`;
}

export function singularError(count: number): RestError {
  return new RestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${count} rows`);
}

/** json_strip_nulls: drops object fields whose value is null, at every depth (`Accept: …;nulls=stripped`). */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, stripNulls(v)]));
}
