import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Db, Queryable } from '../db/types.ts';
import { RestError } from './errors.ts';
import type { Keys } from '../auth/keys.ts';
import type { RequestAuth } from './auth.ts';
import { asRole, authenticate, checkRole } from './auth.ts';
import type { Prefer } from './prefer.ts';
import { checkMaxAffected, checkMaxAffectedRpc, checkStrict, parsePrefer, preferenceApplied } from './prefer.ts';
import { readPlan, rootConditions } from './plan.ts';
import { contentRangeH, parseJsonBody, requestSchema, requestContext, requestQuery, singularError } from './request.ts';
import type { ResponseContext } from './respond.ts';
import { JSON_TYPE, respondRead, respondWrite } from './respond.ts';
import { JSON_MEDIA, negotiate } from './media.ts';
import { sourceColumns } from './csv.ts';
import type { RpcArgs } from './rpc.ts';
import { callShape, rpcArgKeys } from './rpc.ts';
import type { BodyKind } from './functions.ts';
import type { SchemaCache } from './schema.ts';
import { EXPOSED_SCHEMA } from './schema.ts';
import type { ReadResult, ReadStatement } from './sql.ts';
import { countSql, Params, readSql } from './sql.ts';
import { INSERTED, WRITE_CTE, writeStatement } from './write.ts';
import { quoteIdent } from '../db/sql.ts';

export interface RestDeps {
  db: Db;
  keys: Keys;
  schema: SchemaCache;
  /** `[api] max_rows`: caps every read (each embedding too); null = unlimited */
  maxRows?: number | null;
  /** `[api] schemas` of supabase/config.toml (PostgREST's db-schemas); default `public` alone */
  exposedSchemas?: string[];
  /** PostgREST's db-tx-end; Supabase leaves the default `commit` (Prefer: tx= is not honoured) */
  dbTxEnd?: TxEnd;
}

export type TxEnd = 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';

/** What one request asks of the statement it runs, besides the SQL. */
interface RunOptions {
  readOnly: boolean;
  prefer: Prefer;
  /** rows affected beyond which handling=strict refuses (update, delete, rpc) */
  maxAffected: boolean;
  /** vnd.pgrst.object: anything but exactly one row is 406 PGRST116 */
  singular: boolean;
}

/** Thrown to end a transaction with ROLLBACK while still answering with its result. */
class RolledBack extends Error {
  constructor(readonly result: ReadResult) {
    super('tx=rollback');
  }
}


/** The part of PostgREST that supabase-js uses: rpc, table reads and writes, embedding, counts. */
export function createRestRoutes(deps: RestDeps): Hono {
  const app = new Hono();
  const maxRows = deps.maxRows ?? null;
  const exposedSchemas = deps.exposedSchemas?.length ? deps.exposedSchemas : [EXPOSED_SCHEMA];
  const txEnd = deps.dbTxEnd ?? 'commit';
  const txAllowOverride = txEnd.endsWith('-allow-override');
  const txRollbackAll = txEnd.startsWith('rollback');

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
    const auth = await requestAuth(c);
    const rc = responseContext(c);
    const name = c.req.param('fn');
    const isPost = method === 'POST';
    const parts = requestQuery(c, !isPost);
    const select = parts.selected;
    let args: RpcArgs;
    let kind: BodyKind = 'json';
    if (isPost) {
      kind = bodyKind(c.req.header('Content-Type'));
      const raw = kind === 'bytea' ? new Uint8Array(await c.req.arrayBuffer()) : await c.req.text();
      args = { kind: 'body', json: kind === 'json' ? parseJsonBody(raw as string) : null, raw };
    } else args = { kind: 'query', values: Object.fromEntries(parts.plain) };
    const keys = args.kind === 'body' ? (kind === 'json' ? rpcArgKeys(args.json) : []) : Object.keys(args.values);
    const fn = await deps.schema.findFunction(name, keys, isPost, kind, rc.schema);
    if (args.kind === 'body' && kind === 'json' && !fn.singleUnnamed && (typeof args.json !== 'object' || args.json === null || Array.isArray(args.json))) {
      throw new RestError(400, 'PGRST102', 'Empty or invalid json');
    }
    const p = new Params();
    const call = callShape(fn, args, p);
    // The call runs once, in a CTE, however often the statement reads it (page and count).
    const output = call.scalar ? `${quoteIdent(call.qualifier)} as pgrst_scalar` : `${quoteIdent(call.qualifier)}.*`;
    const prefix = `with pgrst_call as (select ${output} from ${call.from}) `;
    const from = `pgrst_call as ${quoteIdent(call.qualifier)}`;
    const root = readPlan(deps.schema, { table: fn.returnsTable ?? fn.name, from, qualifier: call.qualifier }, select, parts, { maxRows, isWrite: false });
    rc.media = negotiate(c.req.header('Accept'));
    checkStrict(rc.prefer);
    checkMaxAffectedRpc(rc.prefer, fn.returnsSet);
    const readOnly = !isPost || fn.volatility !== 'v';
    const csv = rc.media.kind === 'csv' ? ({ from: 'source', source: 'pgrst_call', columns: call.scalar ? null : sourceColumns(root, { primaryKey: [], filterFields: true }) } as const) : undefined;
    const st: ReadStatement = { root, prefix, scalar: call.scalar, count: rc.prefer.count, maxRows, csv };
    const result = await run(c, auth, `/rpc/${name}`, st, p, { readOnly, prefer: rc.prefer, maxAffected: true, singular: rc.media.kind === 'object' });
    if (fn.returnsVoid) {
      const applied = preferenceApplied(rc.prefer, 'rpc');
      return c.body(null, 204, { 'Content-Range': contentRangeH(root.offset ?? 0, (root.offset ?? 0) + result.page_count - 1, result.total), ...(applied ? { 'Preference-Applied': applied } : {}) });
    }
    return respondRead(c, result, fn.returnsSet ? result.body : (result.first ?? 'null'), root, rc, 'rpc');
  });

  app.on(['GET', 'HEAD'], '/:table', async (c) => {
    const auth = await requestAuth(c);
    const rc = responseContext(c);
    const parts = requestQuery(c);
    const select = parts.selected;
    const table = await existingTable(c, rc.schema);
    const from = `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(table)}`;
    const root = readPlan(deps.schema, { table, from, qualifier: table }, select, parts, { maxRows, isWrite: false });
    rc.media = negotiate(c.req.header('Accept'));
    checkStrict(rc.prefer);
    const st: ReadStatement = { root, scalar: false, count: rc.prefer.count, maxRows, csv: rc.media.kind === 'csv' ? { from: 'page' } : undefined };
    const result = await run(c, auth, `/${table}`, st, new Params(), { readOnly: true, prefer: rc.prefer, maxAffected: false, singular: rc.media.kind === 'object' });
    return respondRead(c, result, result.body, root, rc);
  });

  app.on(['POST', 'PATCH', 'DELETE'], '/:table', async (c) => {
    const auth = await requestAuth(c);
    const rc = responseContext(c);
    const { prefer } = rc;
    const method = c.req.method as 'POST' | 'PATCH' | 'DELETE';
    const parts = requestQuery(c);
    const select = parts.selected;
    const body = method === 'DELETE' ? undefined : parseJsonBody(await c.req.text());
    const table = await existingTable(c, rc.schema);
    const root = readPlan(deps.schema, { table, from: `${WRITE_CTE} as ${quoteIdent(table)}`, qualifier: table }, select, parts, { maxRows, isWrite: true });
    const p = new Params();
    const primaryKey = deps.schema.primaryKey(table);
    const write = writeStatement(
      {
        method,
        table,
        body,
        prefer,
        where: rootConditions(parts),
        columns: parts.columns,
        onConflict: parts.onConflict,
        tableColumns: deps.schema.columnsOf(table),
        primaryKey,
        // return=headers-only answers an insert with Location, read from the inserted row's key.
        returnRows: prefer.return === 'representation' || (method === 'POST' && prefer.return === 'headers-only' && primaryKey.length > 0),
      },
      p,
    );
    checkStrict(prefer);
    rc.media = negotiate(c.req.header('Accept'));
    // Without return=representation the rows are only counted (PostgREST reads `SELECT * FROM pgrst_source`).
    const read = prefer.return === 'representation' ? root : { ...root, fields: [], embeds: [], where: [], order: [] };
    const csv = rc.media.kind === 'csv' ? ({ from: 'source', source: WRITE_CTE, columns: sourceColumns(root, { primaryKey, filterFields: false }) } as const) : undefined;
    const st: ReadStatement = { root: read, prefix: write.cte, scalar: false, count: null, maxRows: null, inserted: write.counted ? INSERTED : undefined, csv };
    const result = await run(c, auth, `/${table}`, st, p, { readOnly: false, prefer, maxAffected: method !== 'POST', singular: rc.media.kind === 'object' });
    return respondWrite(c, method, result, rc, { table, primaryKey, hasConflictTarget: primaryKey.length > 0 || parts.onConflict !== null });
  });

  async function requestAuth(c: Context): Promise<RequestAuth> {
    const auth = await authenticate(deps.keys, c.req.header('Authorization'), c.req.header('apikey'));
    checkRole(auth, (role) => deps.schema.canSwitchTo(role));
    return auth;
  }

  /** The profile (406 PGRST106 for a schema not exposed) and the Prefer header, read before the query string. */
  function responseContext(c: Context): ResponseContext {
    const schema = requestSchema(c, exposedSchemas);
    const prefer = parsePrefer(c.req.header('Prefer'), { allowTxOverride: txAllowOverride, timezones: deps.schema.timezoneNames() });
    return { prefer, profile: schema.negotiated ? schema.name : null, schema: schema.name, media: JSON_MEDIA };
  }

  /**
   * One statement in the request's transaction, as its role; `planned`/`estimated` counts EXPLAIN
   * the count query in the same transaction. A `.single()` that does not get exactly one row fails
   * inside the transaction, so a write it refuses is rolled back, as in PostgREST; so does a
   * max-affected it exceeds (handling=strict). `tx=rollback` (where db-tx-end allows it) ends the
   * transaction with ROLLBACK after the statement and answers as if it had committed.
   */
  async function run(c: Context, auth: RequestAuth, path: string, st: ReadStatement, p: Params, opts: RunOptions): Promise<ReadResult> {
    const rollback = opts.prefer.tx === 'rollback' || (txRollbackAll && opts.prefer.tx !== 'commit');
    try {
      return await asRole(
        deps.db,
        auth,
        requestContext(c, path),
        opts.readOnly,
        async (tx) => {
          if (opts.prefer.timezone !== null) await tx.query(`select set_config('timezone', $1, true)`, [opts.prefer.timezone]);
          const { rows } = await tx.query<ReadResult>(readSql(st, p), p.values);
          const result = rows[0] as ReadResult;
          if (opts.singular && result.page_count !== 1) throw singularError(result.page_count);
          if (opts.maxAffected) checkMaxAffected(opts.prefer, result.page_count);
          result.total = await total(tx, st, result.total);
          if (rollback) {
            // MainTx.hs optionalRollback: deferred constraints are checked before the ROLLBACK.
            await tx.query('set constraints all immediate');
            throw new RolledBack(result);
          }
          return result;
        },
        deps.schema.roleSettings(auth.role),
      );
    } catch (err) {
      if (err instanceof RolledBack) return err.result;
      throw err;
    }
  }

  async function total(tx: Queryable, st: ReadStatement, counted: number | null): Promise<number | null> {
    const needsPlan = st.count === 'planned' || (st.count === 'estimated' && (st.maxRows === null || (counted ?? 0) > st.maxRows));
    if (!needsPlan) return counted === null ? null : Number(counted);
    const p = new Params();
    const { rows } = await tx.query<{ plan: unknown }>(`explain (format json) ${countSql(st, p)}`, p.values);
    const planned = plannedRows(rows[0]);
    return st.count === 'planned' ? planned : Math.max(Number(counted ?? 0), planned);
  }

  async function existingTable(c: Context, schema: string): Promise<string> {
    const table = c.req.param('table') ?? '';
    if (schema !== EXPOSED_SCHEMA || !(await deps.schema.hasTable(table))) throw await deps.schema.tableNotFound(table, schema);
    return table;
  }

  return app;
}

function bodyKind(contentType: string | undefined): BodyKind {
  const type = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/plain') return 'text';
  if (type === 'text/xml') return 'xml';
  if (type === 'application/octet-stream') return 'bytea';
  return 'json';
}

/** `Plan Rows` of EXPLAIN (FORMAT JSON), whichever way the driver hands the JSON back. */
function plannedRows(row: { plan?: unknown; 'QUERY PLAN'?: unknown } | undefined): number {
  const value = row ? Object.values(row)[0] : undefined;
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  const plan = Array.isArray(parsed) ? (parsed[0] as { Plan?: { 'Plan Rows'?: number } } | undefined) : undefined;
  return Math.round(plan?.Plan?.['Plan Rows'] ?? 0);
}
