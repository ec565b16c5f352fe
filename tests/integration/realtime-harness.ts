import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Db } from '../../local-supabase/db/open.ts';
import type { Keys } from '../../local-supabase/auth/keys.ts';
import type { Limits } from '../../local-supabase/realtime/server.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../support/db-snapshot.ts';

// The realtime tests run the whole local stack in-process (PGlite, or PostgreSQL with DATABASE_URL)
// and talk to it with the real supabase-js. Writes go straight to the database as the superuser,
// like the simulator; reads and subscriptions go through the client as the seeded staff.

export const TEST_LIMITS: Partial<Limits> = {
  joinErrorDelayMs: 0,
  connectErrorDelayMs: 0,
  resubscribeDelayMs: 50,
  pollIntervalMs: 100,
};

export const PASSWORD = 'password123';
/** Tags this run's unique values (SKUs, emails) so the suite can run again on a kept PostgreSQL. */
export const RUN = Math.random().toString(36).slice(2, 7).toUpperCase();
export const ADMIN = 'admin@example.com';
export const SUPPORT = 'support@example.com';

export interface Harness {
  readonly url: string;
  readonly db: Db;
  readonly keys: Keys;
  /** A client signed in with the seeded password, with its realtime token set. */
  signIn(email: string): Promise<SupabaseClient>;
  /** A client whose realtime token comes from `token()` (custom JWTs, expiry tests). */
  withToken(token: () => string): Promise<SupabaseClient>;
  /** A JWT for a seeded staff member, signed with the stack's secret. */
  tokenFor(email: string, expiresInSec?: number): Promise<string>;
  health(): Promise<{ connections: number; channels: number; eventsDelivered: number }>;
  /** Closes the stack and starts it again on the same port and data folder. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(opts: { limits?: Partial<Limits> } = {}): Promise<Harness> {
  const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'rt-test-'));
  const start = (port: number) =>
    startStackFromSnapshot({
      port,
      dataDir,
      databaseUrl: process.env.DATABASE_URL,
      realtimeLimits: { ...TEST_LIMITS, ...opts.limits },
    });
  let stack: Stack = await start(0);
  const port = stack.port;
  const clients: SupabaseClient[] = [];

  const make = (extra: object) => {
    const client = createClient(stack.url, stack.keys.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      // Node 20 has no global WebSocket; browsers and Node 22 use their own.
      realtime: { transport: WebSocket as never },
      ...extra,
    });
    clients.push(client);
    return client;
  };

  return {
    get url() {
      return stack.url;
    },
    get db() {
      return stack.db;
    },
    get keys() {
      return stack.keys;
    },
    async signIn(email) {
      const client = make({});
      const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
      if (error) throw error;
      await client.realtime.setAuth();
      return client;
    },
    async withToken(token) {
      const client = make({ accessToken: async () => token() });
      await client.realtime.setAuth();
      return client;
    },
    async tokenFor(email, expiresInSec = 3600) {
      const { rows } = await stack.db.query<{ id: string }>('select id from auth.users where email = $1', [email]);
      const now = Math.floor(Date.now() / 1000);
      return stack.keys.sign({
        aud: 'authenticated',
        role: 'authenticated',
        sub: rows[0]!.id,
        email,
        iat: now,
        exp: now + expiresInSec,
        session_id: crypto.randomUUID(),
      });
    },
    async health() {
      const res = await fetch(`${stack.url}/health`);
      const body = (await res.json()) as { realtime: { connections: number; channels: number; eventsDelivered: number } };
      return body.realtime;
    },
    async restart() {
      await stack.close();
      stack = await start(port);
    },
    async close() {
      // Dropping the sockets is enough; leaving each channel first would wait on replies.
      for (const c of clients) c.realtime.disconnect();
      await stack.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Received {
  eventType: string;
  table: string;
  schema: string;
  new: Record<string, unknown>;
  old: Record<string, unknown>;
  errors: unknown;
  commit_timestamp: string | null;
}

export interface SystemMessage {
  status: string;
  message: string;
  extension: string;
  channel: string;
}

export interface Watch {
  channel: RealtimeChannel;
  events: Received[];
  system: SystemMessage[];
  statuses: string[];
  /** Resolves once "Subscribed to PostgreSQL" has arrived `count` times in total. */
  live(count?: number): Promise<void>;
}

export function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type BindingSpec = { event: '*' | 'INSERT' | 'UPDATE' | 'DELETE'; table: string; filter?: string };

export function watch(client: SupabaseClient, name: string, bindings: BindingSpec[], config: object = {}): Watch {
  const events: Received[] = [];
  const system: SystemMessage[] = [];
  const statuses: string[] = [];
  let channel = client.channel(name, { config });
  for (const b of bindings) {
    channel = channel.on(
      'postgres_changes' as never,
      { event: b.event, schema: 'public', table: b.table, ...(b.filter ? { filter: b.filter } : {}) } as never,
      ((p: Received) => events.push(p)) as never,
    );
  }
  channel = channel.on('system', {}, (p: SystemMessage) => system.push(p));
  channel.subscribe((status) => statuses.push(status));
  return {
    channel,
    events,
    system,
    statuses,
    live(count = 1) {
      return waitFor(
        () => system.filter((s) => s.message === 'Subscribed to PostgreSQL').length >= count,
        `Subscribed to PostgreSQL x${count} on ${name} (system: ${JSON.stringify(system)})`,
      );
    },
  };
}

/** A customer id for writes that need one. */
export async function newCustomer(db: Db, name = 'Test Customer'): Promise<string> {
  const email = `c${Date.now()}${Math.floor(Math.random() * 1e6)}@test.example`;
  const { rows } = await db.query<{ id: string }>(
    'insert into public.customers (full_name, email) values ($1, $2) returning id',
    [name, email],
  );
  return rows[0]!.id;
}

/** A bare Phoenix socket for checking exact frames (vsn 2.0.0 arrays unless told otherwise). */
export class RawSocket {
  readonly frames: unknown[] = [];
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString())));
    ws.on('close', (code) => (this.closeCode = code));
  }

  static url(h: Harness, apikey: string | null, vsn = '2.0.0'): string {
    const q = new URLSearchParams();
    if (apikey !== null) q.set('apikey', apikey);
    q.set('vsn', vsn);
    return `${h.url.replace(/^http/, 'ws')}/realtime/v1/websocket?${q}`;
  }

  static async open(h: Harness, apikey: string = h.keys.anonKey, vsn = '2.0.0'): Promise<RawSocket> {
    const ws = new WebSocket(RawSocket.url(h, apikey, vsn));
    const raw = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return raw;
  }

  /** Attempts an upgrade that should be refused; returns the HTTP status and JSON body. */
  static refused(h: Harness, apikey: string | null): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(RawSocket.url(h, apikey));
      ws.on('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      ws.on('open', () => reject(new Error('upgrade was accepted')));
      ws.on('error', () => undefined);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  join(topic: string, ref: string, payload: object = {}): void {
    this.send([ref, ref, topic, 'phx_join', { config: { postgres_changes: [] }, ...payload }]);
  }

  async next(pred: (f: unknown[]) => boolean, what: string, timeoutMs = 20_000): Promise<unknown[]> {
    let found: unknown[] | undefined;
    await waitFor(
      () => {
        found = this.frames.find((f) => Array.isArray(f) && pred(f)) as unknown[] | undefined;
        return found !== undefined;
      },
      what,
      timeoutMs,
    );
    return found!;
  }

  /** The reply to `ref`. */
  reply(ref: string): Promise<unknown[]> {
    return this.next((f) => f[1] === ref && f[3] === 'phx_reply', `reply to ${ref}`);
  }

  close(): void {
    this.ws.terminate();
  }
}
