import type { Context } from 'hono';
import { RestError } from './errors.ts';
import type { RequestContext } from './auth.ts';
import type { Condition } from './logic.ts';
import { isLogicKey, parseLogicTree } from './logic.ts';
import { parseFilter, parseNonNegativeInt, parseOrder, parsePrefer, parseSelect, RESERVED_PARAMS } from './params.ts';
import { EXPOSED_SCHEMA } from './schema.ts';
import type { ReadResult } from './sql.ts';

// Reading a PostgREST request: query string, headers, body; and the Content-Range it gets back.

export function readParts(c: Context, filters: Condition[]) {
  return {
    selection: parseSelect(c.req.query('select')),
    filters,
    order: parseOrder(c.req.query('order')),
    limit: parseNonNegativeInt(c.req.query('limit'), 'limit'),
    offset: parseNonNegativeInt(c.req.query('offset'), 'offset'),
    count: parsePrefer(c.req.header('Prefer')).count === 'exact',
  };
}

export function queryParams(c: Context): [string, string][] {
  return [...new URL(c.req.url).searchParams.entries()];
}

export function queryFilters(c: Context): Condition[] {
  return toConditions(queryParams(c));
}

/** Every non-reserved query key is a filter; `or`/`and` (and their `not.`) are logic trees. */
export function toConditions(params: [string, string][]): Condition[] {
  return params.flatMap(([k, v]): Condition[] => {
    if (isLogicKey(k)) return [parseLogicTree(k, v)];
    return RESERVED_PARAMS.has(k) ? [] : [parseFilter(k, v)];
  });
}

export function checkSchema(c: Context): void {
  const profile = c.req.header(c.req.method === 'GET' || c.req.method === 'HEAD' ? 'Accept-Profile' : 'Content-Profile');
  if (profile && profile !== EXPOSED_SCHEMA) {
    throw new RestError(406, 'PGRST106', `Invalid schema: ${profile}`, null, `Only the following schemas are exposed: ${EXPOSED_SCHEMA}`);
  }
}

export async function readBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw new RestError(400, 'PGRST102', 'Empty or invalid json');
  }
}

export function requestContext(c: Context, path: string): RequestContext {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return { method: c.req.method, path, headers };
}

export function contentRange(result: ReadResult, offset: number): string {
  const total = result.total === null ? '*' : String(result.total);
  if (result.page_count === 0) return `*/${total}`;
  return `${offset}-${offset + result.page_count - 1}/${total}`;
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
