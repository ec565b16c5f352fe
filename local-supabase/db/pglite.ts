import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import type { Db, Queryable, QueryResult } from './types.ts';

/** Embedded PostgreSQL (PGlite). It is one connection: PGlite queues queries behind open transactions. */
export async function createPgliteDb(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({ dataDir, extensions: { pgcrypto, pg_trgm } });

  async function query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    const res = await pg.query<R>(sql, params);
    return { rows: res.rows, fields: res.fields };
  }

  return {
    kind: 'pglite',
    query,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pg.transaction(async (tx) => {
        const q: Queryable = {
          async query<R>(sql: string, params?: unknown[]) {
            const res = await tx.query<R>(sql, params);
            return { rows: res.rows, fields: res.fields };
          },
        };
        return fn(q);
      });
    },
    async exec(sql: string) {
      try {
        await pg.exec(sql);
      } catch (err) {
        // A script that opened a transaction and failed leaves it aborted; close it so the
        // single connection stays usable (ROLLBACK outside a transaction only warns).
        await pg.exec('rollback').catch(() => undefined);
        throw err;
      }
    },
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return async () => {
        if (!pg.closed) await unlisten();
      };
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}
