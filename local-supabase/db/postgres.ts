import pg from 'pg';
import type { Db, Queryable, QueryResult } from './types.ts';
import { quoteIdent } from './sql.ts';

const INT8_OID = 20;

// Same value types as PGlite returns, so callers see one shape: int8 as a number when it is safe.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) {
      return (value: string) => {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : BigInt(value);
      };
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

/** PostgreSQL through a `pg` pool (DATABASE_URL) of at most `max` connections. */
export async function createPostgresDb(connectionString: string, max = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max, types });
  // Idle clients can error when the server goes away; without a listener that would crash the process.
  pool.on('error', () => undefined);
  await pool.query('select 1');

  let listenClient: pg.PoolClient | null = null;
  const listeners = new Map<string, Set<(payload: string) => void>>();

  async function ensureListenClient(): Promise<pg.PoolClient> {
    if (listenClient) return listenClient;
    const client = await pool.connect();
    client.on('notification', (msg) => {
      for (const cb of listeners.get(msg.channel) ?? []) cb(msg.payload ?? '');
    });
    client.on('error', () => undefined);
    listenClient = client;
    return client;
  }

  async function query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    const res = await pool.query(sql, params);
    return { rows: res.rows as R[], fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) };
  }

  return {
    kind: 'postgres',
    query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: Queryable = {
        async query<R>(sql: string, params?: unknown[]) {
          const res = await client.query(sql, params);
          return { rows: res.rows as R[], fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) };
        },
      };
      let broken = false;
      try {
        await client.query('begin');
        const result = await fn(tx);
        await client.query('commit');
        return result;
      } catch (err) {
        try {
          await client.query('rollback');
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async exec(sql: string) {
      const client = await pool.connect();
      try {
        await client.query(sql);
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      const client = await ensureListenClient();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await client.query(`listen ${quoteIdent(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        const current = listeners.get(channel);
        if (!current) return;
        current.delete(onPayload);
        if (current.size === 0) {
          listeners.delete(channel);
          if (listenClient) await listenClient.query(`unlisten ${quoteIdent(channel)}`).catch(() => undefined);
        }
      };
    },
    async health() {
      // A pool of connections: one probe does not queue behind a long query.
      try {
        await pool.query('select 1');
        return { ok: true };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async close() {
      if (listenClient) {
        listenClient.release();
        listenClient = null;
      }
      await pool.end();
    },
  };
}
