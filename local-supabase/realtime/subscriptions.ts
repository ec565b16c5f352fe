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


/** One filter condition to check in the database: column privilege, then the value's cast. */
interface DbCheck {
  oid: number;
  column: string;
  value: string;
  type: string;
}

/** Why a binding cannot be resolved from the cached publication alone (the cache may be stale). */
export function needsFreshTables(tables: Map<string, TableInfo>, list: SubscriptionParams[]): boolean {
  return list.some((p) => {
    const matched = matchTables(tables, p);
    return matched.length === 0 || matched.some((t) => p.conditions.some((c) => !t.columns.some((x) => x.name === c.column)));
  });
}

function matchTables(tables: Map<string, TableInfo>, p: SubscriptionParams): TableInfo[] {
  return [...tables.values()].filter(
    (t) => (p.schema === '*' || t.schema === p.schema) && (p.table === '*' || t.table === p.table),
  );
}

/**
 * Resolves a channel's bindings against the publication and checks their filters the way
 * realtime.subscription_check_filters does (column exists and is SELECT-able by the role, value
 * casts to the column type, at most 100 `in` values), in ONE query whatever the number of bindings
 * (_realtime.check_bindings). The first failing binding, in order, decides Realtime's message.
 */
export async function resolveBindings(
  db: Queryable,
  tables: Map<string, TableInfo>,
  list: SubscriptionParams[],
  role: string,
): Promise<Map<string, TypedCondition[]>[]> {
  const matchedAll = list.map((p) => matchTables(tables, p));
  const checks: DbCheck[] = [];
  const checkIndex: number[][][] = matchedAll.map((matched, bi) =>
    matched.map((t) =>
      list[bi]!.conditions.map((c) => {
        const col = t.columns.find((x) => x.name === c.column);
        if (!col) return -1;
        checks.push({ oid: t.oid, column: c.column, value: c.value, type: c.op === 'in' ? `${col.castType}[]` : col.castType });
        return checks.length - 1;
      }),
    ),
  );
  const failed = new Map<number, string>();
  let roleError: string | null = null;
  if (matchedAll.some((m) => m.length > 0)) {
    // Like PostgREST, a JWT may only become a role granted to authenticator (a minted `postgres`
    // token must not run the RLS checks as the superuser): checked first, by the same function.
    const { rows } = await db.query<{ n: number; err: string }>('select n, err from _realtime.check_bindings($1, $2::jsonb)', [
      role,
      JSON.stringify(checks),
    ]);
    for (const r of rows) {
      if (r.n < 0) roleError = r.err;
      else if (!failed.has(r.n)) failed.set(r.n, r.err);
    }
  }
  return list.map((params, bi) => {
    const matched = matchedAll[bi]!;
    if (matched.length === 0) throw new SubscribeError(unableMessage(params));
    if (roleError) throw new SubscribeError(exceptionMessage(params, roleError));
    const out = new Map<string, TypedCondition[]>();
    matched.forEach((t, ti) => {
      const conds: TypedCondition[] = [];
      params.conditions.forEach((c, ci) => {
        const k = checkIndex[bi]![ti]![ci]!;
        const err = k < 0 ? `invalid column for filter ${c.column}` : failed.get(k);
        if (err && (k < 0 || err.startsWith('invalid column'))) throw new SubscribeError(exceptionMessage(params, err));
        if (c.op === 'in' && arrayLiteralLength(c.value) > MAX_IN_VALUES) {
          throw new SubscribeError(exceptionMessage(params, `too many values for \`in\` filter. Maximum ${MAX_IN_VALUES}`));
        }
        if (err) throw new SubscribeError(exceptionMessage(params, err));
        conds.push({ column: c.column, op: c.op, value: c.value, castType: t.columns.find((x) => x.name === c.column)!.castType });
      });
      out.set(tableKey(t.schema, t.table), conds);
    });
    return out;
  });
}
