import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Db, Queryable } from '../db/types.ts';
import { RestError } from './errors.ts';
import type { Keys } from '../auth/keys.ts';
import type { RequestAuth } from './auth.ts';
import { asRole, authenticate, checkRole } from './auth.ts';
import type { Prefer } from './params.ts';
import { parsePrefer, parseSelect } from './params.ts';
import { checkSchema, contentRange, queryFilters, queryParams, readBody, readParts, requestContext, singularError, stripNulls, toConditions } from './request.ts';
import { callShape, rpcArgKeys } from './rpc.ts';
import type { SchemaCache } from './schema.ts';
import { EXPOSED_SCHEMA } from './schema.ts';
import type { ReadResult, ReadShape } from './sql.ts';
import { Params, readSql } from './sql.ts';
import { writeShape } from './write.ts';
import { quoteIdent } from '../db/sql.ts';

export interface RestDeps {
  db: Db;
  keys: Keys;
  schema: SchemaCache;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const OBJECT_TYPE = 'application/vnd.pgrst.object+json';

/** The part of PostgREST that supabase-js uses: rpc, table reads and writes with filters. */
export function createRestRoutes(deps: RestDeps): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    const restErr = err instanceof RestError ? err : new RestError(500, 'XX000', err instanceof Error ? err.message : 'internal error');
    if (!(err instanceof RestError)) console.error('[rest]', err);
    return c.body(JSON.stringify(restErr.body()), restErr.status as 400, {
      'Content-Type': JSON_TYPE,
      'Proxy-Status': `PostgREST; error=${restErr.code}`,
      ...restErr.headers,
    });
  });

  app.all('/rpc/:fn', async (c) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
      throw new RestError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);
    }
    checkSchema(c);
    const auth = await requestAuth(c);
    const name = c.req.param('fn');
    const query = queryParams(c);
    const body = method === 'POST' ? await readBody(c) : undefined;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new RestError(400, 'PGRST102', 'Empty or invalid json');
    }
    // GET rpc: keys naming an argument are arguments; the others filter the result.
    const argNames = method === 'POST' ? null : await deps.schema.argNamesFresh(name);
    const getArgs = argNames ? Object.fromEntries(query.filter(([k]) => argNames.has(k))) : {};
    const fn = await deps.schema.findFunction(name, rpcArgKeys(body ?? getArgs));
    const filters = toConditions(query.filter(([k]) => !(k in getArgs)));
    const readOnly = method !== 'POST' || fn.volatility !== 'v';
    const p = new Params();
    const shape = callShape(fn, body ?? getArgs, method === 'POST', p);
    const read: ReadShape = { ...shape, ...readParts(c, filters) };
    const result = await run(c, auth, `/rpc/${name}`, readOnly, async () => ({ shape: read, params: p }));
    if (fn.returnsVoid) return c.body(null, 204);
    if (!fn.returnsSet) return respond(c, result, result.first ?? 'null', read, 200);
    return respond(c, result, result.body, read, 200);
  });

  app.on(['GET', 'HEAD'], '/:table', async (c) => {
    checkSchema(c);
    const auth = await requestAuth(c);
    const table = await existingTable(c);
    const filters = queryFilters(c);
    const p = new Params();
    const read: ReadShape = {
      from: `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(table)}`,
      qualifier: table,
      scalar: false,
      ...readParts(c, filters),
    };
    const result = await run(c, auth, `/${table}`, true, async () => ({ shape: read, params: p }));
    return respond(c, result, result.body, read, 200);
  });

  app.on(['POST', 'PATCH', 'DELETE'], '/:table', async (c) => {
    checkSchema(c);
    const auth = await requestAuth(c);
    const table = await existingTable(c);
    const method = c.req.method as 'POST' | 'PATCH' | 'DELETE';
    const prefer = parsePrefer(c.req.header('Prefer'));
    const body = method === 'DELETE' ? undefined : await readBody(c);
    const filters = queryFilters(c);
    const onConflict = c.req.query('on_conflict');
    const selection = parseSelect(c.req.query('select'));
    const result = await run(c, auth, `/${table}`, false, async (tx) => {
      const params = new Params();
      const shape = await writeShape(tx, { method, table, body, prefer, filters, onConflict, selection }, params);
      return { shape, params };
    });
    return respondWrite(c, method, prefer, result);
  });

  async function requestAuth(c: Context): Promise<RequestAuth> {
    const auth = await authenticate(deps.keys, c.req.header('Authorization'), c.req.header('apikey'));
    checkRole(auth, (role) => deps.schema.canSwitchTo(role));
    return auth;
  }

  /** One statement in the request's transaction, as its role, answering the ReadResult row. */
  function run(
    c: Context,
    auth: RequestAuth,
    path: string,
    readOnly: boolean,
    build: (tx: Queryable) => Promise<{ shape: ReadShape; params: Params }>,
  ): Promise<ReadResult> {
    return asRole(
      deps.db,
      auth,
      requestContext(c, path),
      readOnly,
      async (tx) => {
        const { shape, params } = await build(tx);
        const { rows } = await tx.query<ReadResult>(readSql(shape, params), params.values);
        return rows[0] as ReadResult;
      },
      deps.schema.roleSettings(auth.role),
    );
  }

  function respond(c: Context, result: ReadResult, body: string, read: ReadShape, status: 200) {
    const wantsObject = (c.req.header('Accept') ?? '').includes(OBJECT_TYPE);
    const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, 'Content-Range': contentRange(result, read.offset ?? 0) };
    if (wantsObject) {
      if (result.page_count !== 1) throw singularError(result.page_count);
      headers['Content-Type'] = `${OBJECT_TYPE}; charset=utf-8`;
      body = result.first ?? 'null';
    }
    if ((c.req.header('Accept') ?? '').includes('nulls=stripped')) body = JSON.stringify(stripNulls(JSON.parse(body)));
    const partial = result.total !== null && result.page_count < result.total;
    const code = partial ? 206 : status;
    return c.req.method === 'HEAD' ? c.body(null, code, headers) : c.body(body, code, headers);
  }

  function respondWrite(c: Context, method: string, prefer: Prefer, result: ReadResult) {
    const headers: Record<string, string> = {
      'Content-Range': method === 'POST' ? '*/*' : result.page_count ? `0-${result.page_count - 1}/*` : '*/*',
    };
    const status = method === 'POST' ? 201 : 200;
    if (prefer.return !== 'representation') {
      if (prefer.return) headers['Preference-Applied'] = `return=${prefer.return}`;
      return c.body(null, method === 'POST' ? 201 : 204, headers);
    }
    headers['Preference-Applied'] = 'return=representation';
    if ((c.req.header('Accept') ?? '').includes(OBJECT_TYPE)) {
      if (result.page_count !== 1) throw singularError(result.page_count);
      return c.body(result.first ?? 'null', status, { ...headers, 'Content-Type': `${OBJECT_TYPE}; charset=utf-8` });
    }
    return c.body(result.body, status, { ...headers, 'Content-Type': JSON_TYPE });
  }

  async function existingTable(c: Context): Promise<string> {
    const table = c.req.param('table') ?? '';
    if (!(await deps.schema.hasTable(table))) throw await deps.schema.tableNotFound(table);
    return table;
  }

  return app;
}
