// The local stack in its own process, for bench/broadcast-compare.ts: its CPU (process.cpuUsage,
// which covers every thread, PGlite's worker included; with DATABASE_URL on this machine, plus the
// PostgreSQL backends' CPU from /proc/<pid>/stat) and its database calls are its own, apart from
// the simulated dashboards in the bench process. Talks to the parent over IPC:
//   → { id, type: 'stats' }                         ← { id, queries, emptyPolls, cpuMicros, dbCpuMicros }
//   → { id, type: 'sql', sql, params }              ← { id, rows }      (the bench's setup and checks)
//   → { id, type: 'write', ratePerSec, durationMs } ← { id, run }       (bench/broadcast/writer.ts)
//   → { id, type: 'close' }                         ← { id }, then the process exits
// The bench's own SQL and writes go through the database object underneath the counter, so they
// are not counted among the stack's queries (the writes' CPU is the stack's, as it would be).
// The first message it sends is { type: 'ready', url, anonKey, serviceRoleKey, kind }.
import { readFileSync } from 'node:fs';
import type { Queryable } from '../../local-supabase/db/types.ts';
import { startStack } from '../../local-supabase/stack.ts';
import { runWrites, type WriterDb } from './writer.ts';

type Request =
  | { id: number; type: 'stats' }
  | { id: number; type: 'sql'; sql: string; params?: unknown[] }
  | { id: number; type: 'write'; ratePerSec: number; durationMs: number }
  | { id: number; type: 'close' };

const send = (msg: unknown) => process.send?.(msg);
const TICK = 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s

/** CPU (µs) of the PostgreSQL backends serving this database (PostgreSQL on this machine only). */
async function backendsCpu(raw: WriterDb, seen: Map<number, number>): Promise<number> {
  const { rows } = await raw.query<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`);
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      seen.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICK);
    } catch {
      // gone, or another machine's server: its last reading stays
    }
  }
  let total = 0;
  for (const v of seen.values()) total += v;
  return total;
}
/** Realtime's drainer reading the change queue (bench/stack-latency.ts's "idle drain polls" when empty). */
const DRAIN = /from _realtime\.changes c where c\.id >/;

async function main() {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const stack = await startStack({
    port: 0,
    memory: !databaseUrl,
    databaseUrl,
    // hundreds of sign-ins from one loopback address: GoTrue's per-IP bucket would refuse them
    authRateLimit: { burst: 1_000_000 },
  });
  // Every statement the stack sends (REST, Auth, Realtime hold this same object), inside
  // transactions too (BEGIN/COMMIT not counted); a drain poll that found nothing is counted apart.
  let queries = 0;
  let emptyPolls = 0;
  const db = stack.db as unknown as WriterDb;
  const raw: WriterDb = { query: db.query.bind(stack.db), transaction: db.transaction.bind(stack.db) };
  const counted = (q: Queryable): Queryable => ({
    async query<R>(sql: string, params?: unknown[]) {
      const r = await q.query<R>(sql, params);
      if (DRAIN.test(sql) && r.rows.length === 0) emptyPolls++;
      else queries++;
      return r;
    },
  });
  const top = counted({ query: raw.query });
  db.query = top.query;
  db.transaction = (fn) => raw.transaction((tx) => fn(counted(tx)));

  const backends = new Map<number, number>();
  process.on('message', (msg) => {
    const req = msg as Request;
    void (async () => {
      try {
        if (req.type === 'stats') {
          const cpu = process.cpuUsage();
          const dbCpuMicros = stack.db.kind === 'postgres' ? await backendsCpu(raw, backends) : 0;
          send({ id: req.id, queries, emptyPolls, cpuMicros: cpu.user + cpu.system + dbCpuMicros, dbCpuMicros });
        } else if (req.type === 'sql') {
          const { rows } = await raw.query(req.sql, req.params);
          send({ id: req.id, rows });
        } else if (req.type === 'write') {
          send({ id: req.id, run: await runWrites(raw, req) });
        } else {
          await stack.close();
          send({ id: req.id });
          process.disconnect();
          process.exit(0);
        }
      } catch (err) {
        send({ id: req.id, error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  send({ type: 'ready', url: stack.url, anonKey: stack.keys.anonKey, serviceRoleKey: stack.keys.serviceRoleKey, kind: stack.db.kind });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
