import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createAuthRoutes } from './auth/routes.ts';
import type { AuthRateLimitOptions } from './auth/rate-limit.ts';
import type { StackConfig } from './config.ts';
import { cors } from './cors.ts';
import type { Db } from './db/types.ts';
import type { Keys } from './auth/keys.ts';
import { createBroadcastRoutes, type RestBroadcaster } from './realtime/rest-broadcast.ts';
import type { TxEnd } from './rest/routes.ts';
import { createRestRoutes } from './rest/routes.ts';
import type { SchemaCache } from './rest/schema.ts';
import { serveApp } from './static.ts';

export interface RealtimeStats {
  connections: number;
  channels: number;
  eventsDelivered: number;
}

export interface AppDeps {
  db: Db;
  keys: Keys;
  schema: SchemaCache;
  /** supabase/config.toml as the stack runs it. */
  config: StackConfig;
  jwtExpirySec: number;
  refreshReuseIntervalSec: number;
  /** Window, bucket size and clock of Auth's IP rate limits (GoTrue's 5 min and 30 by default). */
  authRateLimit?: AuthRateLimitOptions;
  realtimeStats: () => RealtimeStats;
  /** Realtime's REST broadcast (`/realtime/v1/api/broadcast`); absent, those routes 404. */
  realtimeBroadcast?: RestBroadcaster;
  /** Folder of the built dashboard, served at / with index.html for client routes. */
  appDir?: string;
  /** PostgREST's max rows (`[api] max_rows`); null = no cap. */
  maxRows?: number | null;
  /** PostgREST's db-tx-end (default `commit`, as Supabase runs it: `Prefer: tx=` is not honoured). */
  dbTxEnd?: TxEnd;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

/** The HTTP surface of the local stack; only index.ts/stack.ts listen on a port. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(cors());
  // The gateway's answer to an oversized body (Kong/nginx), before any service reads it.
  app.use(
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 4 * 1024 * 1024,
      onError: (c) => c.json({ message: 'Request Entity Too Large' }, 413),
    }),
  );

  app.route('/auth/v1', createAuthRoutes(deps));
  app.route('/rest/v1', createRestRoutes({ ...deps, exposedSchemas: deps.config.api.schemas }));
  if (deps.realtimeBroadcast) app.route('/realtime/v1/api', createBroadcastRoutes(deps.realtimeBroadcast));

  app.get('/health', async (c) => {
    // Never waits behind a slow query or a transaction: the driver answers from its own state.
    const database = { kind: deps.db.kind, ...(await deps.db.health()) };
    return c.json({ status: database.ok ? 'ok' : 'degraded', database, realtime: deps.realtimeStats() }, database.ok ? 200 : 503);
  });

  if (deps.appDir) app.get('*', serveApp(deps.appDir));
  app.notFound((c) => c.json({ message: 'no Route matched with those values' }, 404));
  return app;
}
