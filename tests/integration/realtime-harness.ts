import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { bootstrap } from '../../local-supabase/bootstrap.ts';
import { openDb, type Db } from '../../local-supabase/db.ts';
import { createKeys, type Keys } from '../../local-supabase/keys.ts';
import { createRealtime, type Limits, type Realtime } from '../../local-supabase/realtime/server.ts';

// A small stack for the realtime tests: real PGlite (or PostgreSQL via DATABASE_URL) with the
// platform bootstrap and the project's migrations, the realtime server on a real port, and the
// real supabase-js. Writes go straight to the database (as the superuser), like the simulator.

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const TEST_LIMITS: Partial<Limits> = {
  joinErrorDelayMs: 0,
  connectErrorDelayMs: 0,
  resubscribeDelayMs: 50,
  pollIntervalMs: 100,
};

export interface Staff {
  id: string;
  email: string;
}

export interface Harness {
  url: string;
  port: number;
  db: Db;
  keys: Keys;
  realtime: Realtime;
  admin: Staff;
  support: Staff;
  tokenFor(user: Staff, expiresInSec?: number): Promise<string>;
  /** Stops the HTTP server and realtime but keeps the database (for restart tests). */
  stopServer(): Promise<void>;
  /** Starts a fresh realtime server on the same port and database. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

async function ensureStaff(db: Db, email: string, role: 'admin' | 'support'): Promise<Staff> {
  const found = await db.query<{ id: string }>('select id from auth.users where email = $1', [email]);
  let id = found.rows[0]?.id;
  if (!id) {
    id = randomUUID();
    await db.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, created_at, updated_at, raw_app_meta_data, raw_user_meta_data)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '', now(), now(), now(), '{}', '{}')`,
      [id, email],
    );
  }
  await db.query(
    `insert into public.profiles (id, display_name, role) values ($1, $2, $3) on conflict (id) do nothing`,
    [id, email.split('@')[0], role],
  );
  return { id, email };
}

export async function startHarness(opts: { limits?: Partial<Limits> } = {}): Promise<Harness> {
  const db = await openDb({ databaseUrl: process.env.DATABASE_URL, memory: true });
  await bootstrap(db, { root: ROOT });
  const keys = createKeys();
  const admin = await ensureStaff(db, 'admin@example.com', 'admin');
  const support = await ensureStaff(db, 'support@example.com', 'support');
  const limits = { ...TEST_LIMITS, ...opts.limits };

  let realtime = createRealtime({ db, keys, limits });
  let server: Server;
  let port = 0;
  const listen = async () => {
    server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    server.on('upgrade', (req, socket, head) => realtime.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  await realtime.start();
  await listen();

  const h: Harness = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    db,
    keys,
    get realtime() {
      return realtime;
    },
    admin,
    support,
    async tokenFor(user, expiresInSec = 3600) {
      const now = Math.floor(Date.now() / 1000);
      return keys.sign({
        aud: 'authenticated',
        role: 'authenticated',
        sub: user.id,
        email: user.email,
        iat: now,
        exp: now + expiresInSec,
        session_id: randomUUID(),
      });
    },
    async stopServer() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async restartServer() {
      realtime = createRealtime({ db, keys, limits });
      await realtime.start();
      await listen();
    },
    async close() {
      await h.stopServer().catch(() => undefined);
      await db.close();
    },
  };
  return h;
}

/** A supabase-js client whose realtime uses `token()` (user JWT) like a signed-in session. */
export async function clientFor(h: Harness, token: () => string | null): Promise<SupabaseClient> {
  const client = createClient(h.url, h.keys.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    accessToken: async () => token() ?? h.keys.anonKey,
    // Node 20 has no global WebSocket; browsers and Node 22 use their own.
    realtime: { transport: WebSocket as never },
  });
  // supabase-js sets the realtime token asynchronously; a signed-in app has it before joining.
  await client.realtime.setAuth();
  return client;
}

export interface Received {
  eventType: string;
  table: string;
  new: Record<string, unknown>;
  old: Record<string, unknown>;
  errors: unknown;
  commit_timestamp: string;
}

export interface Watch {
  channel: RealtimeChannel;
  events: Received[];
  system: { status: string; message: string; extension: string }[];
  statuses: string[];
  /** Resolves once "Subscribed to PostgreSQL" has arrived `count` times. */
  live(count?: number): Promise<void>;
}

export function waitFor(cond: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export function watch(
  client: SupabaseClient,
  name: string,
  bindings: { event: '*' | 'INSERT' | 'UPDATE' | 'DELETE'; table: string; filter?: string }[],
): Watch {
  const events: Received[] = [];
  const system: Watch['system'] = [];
  const statuses: string[] = [];
  let channel = client.channel(name);
  for (const b of bindings) {
    channel = channel.on(
      'postgres_changes' as never,
      { event: b.event, schema: 'public', table: b.table, ...(b.filter ? { filter: b.filter } : {}) } as never,
      ((p: Received) => events.push(p)) as never,
    );
  }
  channel = channel.on('system', {}, (p: Watch['system'][number]) => system.push(p));
  channel.subscribe((status) => statuses.push(status));
  return {
    channel,
    events,
    system,
    statuses,
    live(count = 1) {
      return waitFor(
        () => system.filter((s) => s.message === 'Subscribed to PostgreSQL').length >= count,
        15_000,
        `Subscribed to PostgreSQL x${count} on ${name} (system: ${JSON.stringify(system)})`,
      );
    },
  };
}
