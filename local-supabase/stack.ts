import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.ts';
import { bootstrap } from './db/bootstrap.ts';
import { lockDataDir } from './db/data-lock.ts';
import type { Db } from './db/types.ts';
import { openDb } from './db/open.ts';
import type { Keys } from './auth/keys.ts';
import type { AuthRateLimitOptions } from './auth/rate-limit.ts';
import { createKeys } from './auth/keys.ts';
import type { ConfigOverrides, StackConfig } from './config.ts';
import { loadConfig, withOverrides } from './config.ts';
import { createRealtime, REALTIME_PATH } from './realtime/server.ts';
import type { Limits } from './realtime/server.ts';
import { SchemaCache } from './rest/schema.ts';
import type { TxEnd } from './rest/routes.ts';
import type { Simulator } from './simulator/simulator.ts';
import { startSimulator } from './simulator/simulator.ts';

export interface StackOptions {
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** PGlite data folder; unused with `memory` or `databaseUrl`. */
  dataDir?: string;
  memory?: boolean;
  /**
   * PGlite: a new database (memory, or an empty data folder) starts as a copy of this snapshot
   * (db/snapshot.ts) instead of initdb + bootstrap. Tests start many stacks from one snapshot.
   */
  from?: string;
  /** Delete the PGlite data folder first. */
  reset?: boolean;
  databaseUrl?: string;
  jwtExpirySec?: number;
  refreshReuseIntervalSec?: number;
  /** Built dashboard to serve at /. */
  serveApp?: string;
  /** Simulated events per minute; 0 or undefined = off. */
  simulatorRatePerMin?: number;
  realtimeLimits?: Partial<Limits>;
  /** Laid over supabase/config.toml (tests: signup off, small rate limits, ...). */
  config?: ConfigOverrides;
  /** Window, bucket size and clock of Auth's IP rate limits; the counts come from config.toml [auth.rate_limit]. */
  authRateLimit?: AuthRateLimitOptions;
  /** PostgREST's max rows; default `[api] max_rows` of supabase/config.toml, null = no cap. */
  maxRows?: number | null;
  /** PostgREST's db-tx-end; default `commit` as on Supabase, where `Prefer: tx=rollback` is ignored. */
  dbTxEnd?: TxEnd;
  log?: (msg: string) => void;
}

export interface Stack {
  url: string;
  port: number;
  db: Db;
  keys: Keys;
  /** supabase/config.toml with StackOptions.config laid over it. */
  config: StackConfig;
  simulator: Simulator | null;
  /** Re-reads functions and tables (as `NOTIFY pgrst, 'reload schema'` does). */
  reloadSchema(): Promise<void>;
  close(): Promise<void>;
}

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Opens the database, applies platform + migrations + seed, and serves Auth, REST, Realtime and the app. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? (() => undefined);
  const memory = opts.memory || (!opts.dataDir && !opts.databaseUrl);
  const onDisk = !memory && !opts.databaseUrl && opts.dataDir ? opts.dataDir : null;
  // Every resource registers how to release it; close() (or a failed start) releases in reverse,
  // so PGlite is always closed (its folder flushed) and the data-folder lock always dropped.
  const releases: (() => Promise<void> | void)[] = [];
  const release = async () => {
    for (const step of releases.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        log(`stop: ${String(err)}`);
      }
    }
  };
  try {
    if (onDisk) releases.push(lockDataDir(onDisk));
    if (opts.reset && onDisk) rmSync(onDisk, { recursive: true, force: true });
    const db = await openDb({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, memory, from: opts.from });
    releases.push(() => db.close());
    return await serve(db, opts, log, releases, release);
  } catch (err) {
    await release();
    throw err;
  }
}

async function serve(
  db: Db,
  opts: StackOptions,
  log: (msg: string) => void,
  releases: (() => Promise<void> | void)[],
  release: () => Promise<void>,
): Promise<Stack> {
  const result = await bootstrap(db, { root: REPO_ROOT, log });
  log(result.fresh ? 'database created' : `database reused (${result.applied.length} new migrations)`);

  const config = withOverrides(loadConfig(REPO_ROOT), opts.config);
  const keys = createKeys();
  const schema = new SchemaCache(db);
  await schema.reload();
  // PostgREST's reload signals, so migrations applied while the stack runs are picked up, and
  // in-database settings (`alter role authenticator set pgrst.db_aggregates_enabled`) with 'reload config'.
  releases.push(
    await db.listen('pgrst', (payload) => {
      if (payload === '' || payload === 'reload schema' || payload === 'reload config') void schema.reload().catch((err: unknown) => log(`schema reload failed: ${String(err)}`));
    }),
  );
  // On PostgreSQL, Realtime has connections of its own, as on Supabase where it is a separate
  // service: a burst of REST writes queued in the API pool must not hold back change delivery.
  // (PGlite is one connection for everyone anyway.)
  let realtimeDb = db;
  if (opts.databaseUrl) {
    const own = await openDb({ databaseUrl: opts.databaseUrl, maxConnections: 4 });
    releases.push(() => own.close());
    realtimeDb = own;
  }
  const realtime = createRealtime({ db: realtimeDb, keys, log, limits: opts.realtimeLimits });
  let realtimeClosed: Promise<void> | null = null;
  const closeRealtime = () => (realtimeClosed ??= realtime.close());
  releases.push(closeRealtime);
  await realtime.start();

  const app = createApp({
    db,
    keys,
    schema,
    config,
    jwtExpirySec: opts.jwtExpirySec ?? config.auth.jwtExpiry,
    refreshReuseIntervalSec: opts.refreshReuseIntervalSec ?? config.auth.refreshTokenReuseInterval,
    authRateLimit: opts.authRateLimit,
    realtimeStats: () => realtime.stats(),
    maxRows: opts.maxRows !== undefined ? opts.maxRows : config.api.maxRows,
    dbTxEnd: opts.dbTxEnd,
    realtimeBroadcast: { keys, send: (claims, messages) => realtime.httpBroadcast(claims, messages) },
    appDir: opts.serveApp,
  });
  const server = createServer(getRequestListener(app.fetch));
  // Node closes an idle keep-alive connection after 5 s, just as undici (supabase-js's fetch) may
  // reuse it after its own 4 s: a request then dies with "other side closed". Gateways in front of
  // Supabase keep idle connections for about a minute; so does the stack.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === REALTIME_PATH) realtime.handleUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 54321, opts.host ?? '127.0.0.1', () => resolve());
  });
  // Sockets first: server.close() waits for upgraded (WebSocket) connections, which only end once
  // realtime has closed them (1001).
  releases.push(async () => {
    await closeRealtime();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  const simulator = opts.simulatorRatePerMin ? startSimulator({ db, ratePerMin: opts.simulatorRatePerMin, log }) : null;
  if (simulator) releases.push(() => simulator.stop());

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    db,
    keys,
    config,
    simulator,
    reloadSchema: () => schema.reload(),
    close() {
      closing ??= release();
      return closing;
    },
  };
}
