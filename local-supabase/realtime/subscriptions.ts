import type { Queryable } from '../db/types.ts';
import { tableKey, type TableInfo } from './capture.ts';
import { arrayLiteralLength, MAX_IN_VALUES, paramsToLog, type FilterOp, type SubscriptionParams } from './filters.ts';

/** Where a channel's matching changes go; implemented by the socket layer. */
export interface ChannelSink {
  readonly topic: string;
  /** Subscriber's role and claims, replaced in place on access_token refresh. */
  role: string;
  claimsJson: string;
  /**
   * The claims RLS can depend on: all but the per-session iat, exp and session_id. Subscribers with
   * equal keys (one user's several tabs) share one RLS check per change instead of one each.
   */
  rlsKey: string;
  /** Sends `{"ids":[...],"data":<raw json>}` as a postgres_changes frame. */
  deliverChange(ids: number[], rawData: string): void;
}

export interface TypedCondition {
  column: string;
  op: FilterOp;
  value: string;
  castType: string;
}

export interface Subscription {
  bindingId: number;
  sink: ChannelSink;
  action: SubscriptionParams['action'];
  /** Filter conditions per table key (cast types differ by table for wildcard bindings). */
  tables: Map<string, TypedCondition[]>;
}

export class SubscribeError extends Error {}

const SESSION_CLAIMS = new Set(['iat', 'exp', 'session_id']);

export function rlsKeyOf(claims: Record<string, unknown>): string {
  const keys = Object.keys(claims)
    .filter((k) => !SESSION_CLAIMS.has(k))
    .sort();
  return JSON.stringify(keys.map((k) => [k, claims[k]]));
}

/** Subscriptions by table key; the drainer reads it, channels add and remove their own. */
export class Registry {
  private byTable = new Map<string, Set<Subscription>>();
  private bySink = new Map<ChannelSink, Subscription[]>();

  get size(): number {
    return this.bySink.size;
  }

  forTable(key: string): Iterable<Subscription> {
    return this.byTable.get(key) ?? [];
  }

  replace(sink: ChannelSink, subs: Subscription[]): void {
    this.remove(sink);
    if (subs.length === 0) return;
    this.bySink.set(sink, subs);
    for (const s of subs) {
      for (const key of s.tables.keys()) {
        let set = this.byTable.get(key);
        if (!set) {
          set = new Set();
          this.byTable.set(key, set);
        }
        set.add(s);
      }
    }
  }

  remove(sink: ChannelSink): void {
    const subs = this.bySink.get(sink);
    if (!subs) return;
    this.bySink.delete(sink);
    for (const s of subs) {
      for (const key of s.tables.keys()) {
        const set = this.byTable.get(key);
        set?.delete(s);
        if (set && set.size === 0) this.byTable.delete(key);
      }
    }
  }
}

function unableMessage(p: SubscriptionParams): string {
  return `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${paramsToLog(p)}]`;
}

function exceptionMessage(p: SubscriptionParams, msg: string): string {
  return `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [${paramsToLog(p)}]. Exception: ${msg}`;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Resolves one binding against the publication and checks its filters the way
 * realtime.subscription_check_filters does (column exists and is SELECT-able by the role, value
 * casts to the column type, at most 100 `in` values). Throws SubscribeError with Realtime's message.
 */
export async function resolveBinding(
  db: Queryable,
  tables: Map<string, TableInfo>,
  params: SubscriptionParams,
  role: string,
): Promise<Map<string, TypedCondition[]>> {
  const matched = [...tables.values()].filter(
    (t) => (params.schema === '*' || t.schema === params.schema) && (params.table === '*' || t.table === params.table),
  );
  if (matched.length === 0) throw new SubscribeError(unableMessage(params));
  // Like PostgREST, a JWT may only become a role granted to authenticator (a minted `postgres` token
  // must not run the RLS checks as the superuser).
  const { rows } = await db.query<{ ok: boolean; allowed: boolean }>(
    `select to_regrole($1) is not null as ok,
            case when to_regrole($1) is null or to_regrole('authenticator') is null then true
                 else pg_has_role('authenticator', to_regrole($1), 'member') end as allowed`,
    [role],
  );
  if (!rows[0]?.ok) throw new SubscribeError(exceptionMessage(params, `role "${role}" does not exist`));
  if (!rows[0].allowed) throw new SubscribeError(exceptionMessage(params, `permission denied to set role "${role}"`));
  const out = new Map<string, TypedCondition[]>();
  for (const t of matched) {
    const conds: TypedCondition[] = [];
    for (const c of params.conditions) {
      const col = t.columns.find((x) => x.name === c.column);
      if (!col) throw new SubscribeError(exceptionMessage(params, `invalid column for filter ${c.column}`));
      const { rows: priv } = await db.query<{ ok: boolean }>(
        `select has_column_privilege($1, $2::oid, $3, 'SELECT') as ok`,
        [role, t.oid, c.column],
      );
      if (!priv[0]?.ok) throw new SubscribeError(exceptionMessage(params, `invalid column for filter ${c.column}`));
      if (c.op === 'in' && arrayLiteralLength(c.value) > MAX_IN_VALUES) {
        throw new SubscribeError(exceptionMessage(params, `too many values for \`in\` filter. Maximum ${MAX_IN_VALUES}`));
      }
      try {
        await db.query(`select $1::text::${c.op === 'in' ? `${col.castType}[]` : col.castType}`, [c.value]);
      } catch (err) {
        throw new SubscribeError(exceptionMessage(params, errorText(err)));
      }
      conds.push({ column: c.column, op: c.op, value: c.value, castType: col.castType });
    }
    out.set(tableKey(t.schema, t.table), conds);
  }
  return out;
}
