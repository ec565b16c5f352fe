import type { Db } from '../db/types.ts';
import { tableKey, type TableInfo } from './capture.ts';
import { buildChangeData, valueText, type ChangeRow } from './payload.ts';
import { groupForRls, visibleRows } from './rls.ts';
import type { ChannelSink, Registry, Subscription, TypedCondition } from './subscriptions.ts';

// Reads committed changes in id (= commit) order, decides per subscriber what Supabase would send
// (filters, column privileges, RLS as the subscriber, DELETE trimming, 400/401/413 errors) and
// hands each channel one frame per change. Mirrors realtime.apply_rls + list_changes.

export interface DrainerDeps {
  db: Db;
  registry: Registry;
  /** The publication's tables, cached; `force` reloads them (a change from a table not seen yet). */
  tables: (force?: boolean) => Promise<Map<string, TableInfo>>;
  batchSize: number;
  maxRecordBytes: number;
  log: (msg: string) => void;
}

const CACHE_TTL_MS = 2000;
const MAX_FILTER_CACHE = 20_000;

export class Drainer {
  private lastId = '0';
  private filterCache = new Map<string, boolean | null>();
  private privCache = new Map<string, { at: number; cols: Set<string> }>();
  private bypassCache = new Map<string, { at: number; bypass: boolean }>();
  eventsDelivered = 0;

  constructor(private deps: DrainerDeps) {}

  /** Drains one batch; returns the number of changes read. */
  async drainOnce(): Promise<number> {
    const { db, batchSize } = this.deps;
    const { rows } = await db.query<ChangeRow>(
      `select c.id::text as id, c.type, c.schema_name, c.table_name, c.record, c.old_record,
              to_char(c.commit_timestamp at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts
         from _realtime.changes c where c.id > $1::bigint order by c.id limit $2`,
      [this.lastId, batchSize],
    );
    if (rows.length === 0) return 0;
    if (this.deps.registry.size > 0) await this.process(rows);
    this.lastId = rows[rows.length - 1]!.id;
    await db.query('delete from _realtime.changes where id <= $1::bigint', [this.lastId]);
    return rows.length;
  }

  private async process(rows: ChangeRow[]): Promise<void> {
    let tables = await this.deps.tables();
    if (rows.some((r) => !tables.has(tableKey(r.schema_name, r.table_name)))) tables = await this.deps.tables(true);
    const now = Date.now();

    // 1. Candidate subscriptions per change (event + table), and the filter checks they need.
    const candidates: Subscription[][] = [];
    const pendingFilters = new Map<string, [string, string, string, string]>();
    const filterKey = (c: TypedCondition, v: string) => `${c.op}\0${c.castType}\0${v}\0${c.value}`;
    for (const row of rows) {
      const key = tableKey(row.schema_name, row.table_name);
      const list: Subscription[] = [];
      const src = row.type === 'DELETE' ? row.old_record : row.record;
      for (const sub of this.deps.registry.forTable(key)) {
        if (sub.action !== '*' && sub.action !== row.type) continue;
        list.push(sub);
        for (const c of sub.tables.get(key) ?? []) {
          const v = valueText(src?.[c.column]);
          if (v === null) continue;
          const k = filterKey(c, v);
          if (!this.filterCache.has(k)) pendingFilters.set(k, [c.op, c.castType, v, c.value]);
        }
      }
      candidates.push(list);
    }
    await this.evaluateFilters(pendingFilters);

    const matches = (sub: Subscription, row: ChangeRow): boolean => {
      const src = row.type === 'DELETE' ? row.old_record : row.record;
      for (const c of sub.tables.get(tableKey(row.schema_name, row.table_name)) ?? []) {
        // A missing column fails closed; a NULL value makes every operator false.
        const v = valueText(src?.[c.column]);
        if (v === null) return false;
        if (this.filterCache.get(filterKey(c, v)) !== true) return false;
      }
      return true;
    };
    const matched = rows.map((row, i) => candidates[i]!.filter((s) => matches(s, row)));

    // 2. Column privileges for every (role, table) involved.
    const needPriv = new Map<string, [string, number]>();
    const needBypass = new Set<string>();
    rows.forEach((row, i) => {
      const t = tables.get(tableKey(row.schema_name, row.table_name));
      if (!t) return;
      for (const s of matched[i]!) {
        const k = `${s.sink.role}\0${t.oid}`;
        const c = this.privCache.get(k);
        if (!c || now - c.at > CACHE_TTL_MS) needPriv.set(k, [s.sink.role, t.oid]);
        const b = this.bypassCache.get(s.sink.role);
        if (!b || now - b.at > CACHE_TTL_MS) needBypass.add(s.sink.role);
      }
    });
    await this.loadPrivileges(needPriv, needBypass, now);

    // 3. RLS: INSERT/UPDATE on RLS tables, per distinct (role, claims), looked up by primary key.
    const visible = await this.checkRls(rows, matched, tables);

    // 4. Deliver in commit order, one frame per channel per change.
    rows.forEach((row, i) => {
      const t = tables.get(tableKey(row.schema_name, row.table_name));
      if (!t || matched[i]!.length === 0) return;
      const dataByRole = new Map<string, string | null>();
      const perSink = new Map<ChannelSink, number[]>();
      for (const s of matched[i]!) {
        let data = dataByRole.get(s.sink.role);
        if (data === undefined) {
          data = buildChangeData(row, t, this.columnsFor(s.sink.role, t), this.deps.maxRecordBytes);
          dataByRole.set(s.sink.role, data);
        }
        if (data === null) continue;
        if (visible && !visible(i, s.sink)) continue;
        const ids = perSink.get(s.sink);
        if (ids) ids.push(s.bindingId);
        else perSink.set(s.sink, [s.bindingId]);
      }
      for (const [sink, ids] of perSink) {
        sink.deliverChange(ids, dataByRole.get(sink.role)!);
        this.eventsDelivered++;
      }
    });
  }

  private async evaluateFilters(pending: Map<string, [string, string, string, string]>): Promise<void> {
    if (pending.size === 0) return;
    if (this.filterCache.size + pending.size > MAX_FILTER_CACHE) this.filterCache.clear();
    const keys = [...pending.keys()];
    const cols: string[][] = [[], [], [], []];
    for (const k of keys) pending.get(k)!.forEach((v, j) => cols[j]!.push(v));
    try {
      const { rows } = await this.deps.db.query<{ ok: boolean | null }>(
        `select _realtime.check_op(op, typ, v1, v2) as ok
           from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality as f(op, typ, v1, v2, n) order by n`,
        cols,
      );
      keys.forEach((k, i) => this.filterCache.set(k, rows[i]?.ok ?? null));
    } catch {
      // One bad value (e.g. a record value that does not cast) must not hide the rest: go one by one.
      for (const k of keys) {
        const [op, typ, v1, v2] = pending.get(k)!;
        try {
          const { rows } = await this.deps.db.query<{ ok: boolean | null }>('select _realtime.check_op($1, $2, $3, $4) as ok', [
            op,
            typ,
            v1,
            v2,
          ]);
          this.filterCache.set(k, rows[0]?.ok ?? null);
        } catch {
          this.filterCache.set(k, false);
        }
      }
    }
  }

  private async loadPrivileges(need: Map<string, [string, number]>, needBypass: Set<string>, now: number): Promise<void> {
    if (need.size > 0) {
      const pairs = [...need.values()];
      const { rows } = await this.deps.db.query<{ role: string; oid: number; attname: string | null }>(
        `select r.role, r.oid::int as oid, a.attname
           from unnest($1::text[], $2::oid[]) as r(role, oid)
           left join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
                and has_column_privilege(r.role, a.attrelid, a.attnum, 'SELECT')`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      for (const [k] of need) this.privCache.set(k, { at: now, cols: new Set() });
      for (const r of rows) if (r.attname) this.privCache.get(`${r.role}\0${r.oid}`)?.cols.add(r.attname);
    }
    if (needBypass.size > 0) {
      const roles = [...needBypass];
      const { rows } = await this.deps.db.query<{ rolname: string; bypass: boolean }>(
        'select rolname, rolbypassrls or rolsuper as bypass from pg_roles where rolname = any($1::text[])',
        [roles],
      );
      for (const r of roles) this.bypassCache.set(r, { at: now, bypass: rows.some((x) => x.rolname === r && x.bypass) });
    }
  }

  private columnsFor(role: string, t: TableInfo): Set<string> {
    return this.privCache.get(`${role}\0${t.oid}`)?.cols ?? new Set();
  }

  private async checkRls(
    rows: ChangeRow[],
    matched: Subscription[][],
    tables: Map<string, TableInfo>,
  ): Promise<((i: number, sink: ChannelSink) => boolean) | null> {
    const groups = groupForRls(rows, matched, tables, {
      bypass: (role) => this.bypassCache.get(role)?.bypass === true,
      columns: (role, t) => this.columnsFor(role, t),
    });
    if (groups.size === 0) return null;
    const seen = await visibleRows(this.deps.db, this.deps.log, rows, tables, groups);
    return (i, sink) => {
      const row = rows[i]!;
      if (row.type === 'DELETE') return true;
      const t = tables.get(tableKey(row.schema_name, row.table_name));
      if (!t || !t.rls || t.primaryKey.length === 0) return true;
      if (this.bypassCache.get(sink.role)?.bypass) return true;
      if (t.primaryKey.some((k) => !this.columnsFor(sink.role, t).has(k))) return true;
      return seen.has(`${i}\0${sink.role}\0${sink.rlsKey}`);
    };
  }
}
