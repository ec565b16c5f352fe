import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { liveApi } from '@/app/live-api';
import { parseKpis } from '@/features/metrics/api/get-kpis';
import { parseTicketStatusBreakdown } from '@/features/metrics/api/get-ticket-status-breakdown';
import type { LiveApi } from '@/live/live-api';
import { createSupabaseClient, type AppSupabaseClient } from '@/lib/supabase';
import { createLiveEngine } from '@/live/engine';
import type { LiveEngine } from '@/live/engine-interface';
import { DEFAULT_LIVE_OPTIONS, type LiveEngineOptions } from '@/live/engine-options';
import { transportFor } from '@/live/transport/transport-for';
import type { LiveTransport } from '@/live/types';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore } from '@/live/stores/session-store';
import type { Db } from '../../local-supabase/db/open.ts';
import type { Limits } from '../../local-supabase/realtime/server.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../support/db-snapshot.ts';

// The engine exactly as the app wires it (src/app/provider.tsx), against the whole local stack
// in this process and the real supabase-js over a real socket.
export { liveApi };

export const PASSWORD = 'password123';
export const ADMIN = 'admin@example.com';
export const SUPPORT = 'support@example.com';

const LIMITS: Partial<Limits> = { joinErrorDelayMs: 0, connectErrorDelayMs: 0, resubscribeDelayMs: 50, pollIntervalMs: 50 };

/**
 * The transport the engines under test use unless a test names one: the default, or
 * LIVE_TRANSPORT=postgres_changes|broadcast to run the same files in the other mode.
 */
export const TEST_TRANSPORT: LiveTransport =
  process.env.LIVE_TRANSPORT === 'postgres_changes' || process.env.LIVE_TRANSPORT === 'broadcast' ? process.env.LIVE_TRANSPORT : DEFAULT_LIVE_OPTIONS.transport;

/** Shorter timers than the browser defaults so recovery fits a test; same code paths. */
export const FAST: Partial<LiveEngineOptions> = {
  syncRetryDelaysMs: [100, 250, 500, 1_000],
  readyTimeoutMs: 5_000,
  channelReadyTimeoutMs: 15_000,
  pollIntervalMs: 500,
  hiddenPollIntervalMs: 2_000,
  reconnectDelaysMs: [200, 500, 1_000, 2_000],
  tickMs: 1_000,
};

export interface LiveStack {
  readonly url: string;
  readonly db: Db;
  readonly stack: Stack;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startLiveStack(opts: { jwtExpirySec?: number; memory?: boolean } = {}): Promise<LiveStack> {
  // --memory: every restart is a new database (ids start again, new epoch)
  const dataDir = process.env.DATABASE_URL || opts.memory ? undefined : mkdtempSync(join(tmpdir(), 'live-test-'));
  const start = (port: number) =>
    startStackFromSnapshot({
      port,
      dataDir,
      databaseUrl: process.env.DATABASE_URL || undefined,
      realtimeLimits: LIMITS,
      refreshReuseIntervalSec: 0,
      jwtExpirySec: opts.jwtExpirySec,
      memory: opts.memory,
    });
  let stack = await start(0);
  const port = stack.port;
  return {
    get url() {
      return stack.url;
    },
    get db() {
      return stack.db;
    },
    get stack() {
      return stack;
    },
    async restart() {
      await stack.close();
      stack = await start(port);
    },
    async close() {
      await stack.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface EngineUnderTest {
  engine: LiveEngine;
  /** RPC and auth calls the engine made, in order, with the time each started */
  calls: { fn: string; at: number }[];
  client: AppSupabaseClient;
  stores: {
    dashboard: ReturnType<typeof createDashboardStore>;
    connection: ReturnType<typeof createConnectionStore>;
    session: ReturnType<typeof createSessionStore>;
  };
  close(): Promise<void>;
}

export function newClient(h: LiveStack): AppSupabaseClient {
  return createSupabaseClient(h.url, h.stack.keys.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // Node 20 has no global WebSocket
    realtime: { transport: WebSocket as never },
  });
}

export async function openEngine(
  h: LiveStack,
  email: string,
  options: Partial<LiveEngineOptions> = {},
  /** the network between the engine and the stack (a slow link, say); the api functions stay real */
  wrap: (api: LiveApi) => LiveApi = (api) => api,
): Promise<EngineUnderTest> {
  const client = newClient(h);
  const stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
  const calls: { fn: string; at: number }[] = [];
  const counted = Object.fromEntries(
    Object.entries(liveApi).map(([fn, impl]) => [
      fn,
      (...args: unknown[]) => {
        calls.push({ fn, at: Date.now() });
        return (impl as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as LiveApi;
  const engine = createLiveEngine({ client, api: wrap(counted), stores, options: { ...FAST, transport: TEST_TRANSPORT, ...options }, transportFor });
  engine.start();
  await waitFor(() => stores.session.getState().status === 'signed-out', 'the engine to find no session');
  const { error } = await engine.signIn(email, PASSWORD);
  if (error) throw new Error(error);
  return {
    engine,
    calls,
    client,
    stores,
    async close() {
      engine.stop();
      await client.removeAllChannels();
      client.realtime.disconnect();
    },
  };
}

export function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = async () => {
      let ok: boolean;
      try {
        ok = await cond();
      } catch {
        ok = false;
      }
      if (ok) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(() => void check(), 50);
    };
    void check();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The client's WebSocket (realtime-js → phoenix Socket → ws), to kill it like a network drop would. */
export function socketOf(client: AppSupabaseClient): WebSocket | null {
  const adapter = client.realtime as unknown as { socketAdapter?: { socket?: { conn?: WebSocket | null } } };
  return adapter.socketAdapter?.socket?.conn ?? null;
}

const withoutAsOf = <T extends { asOf: string }>(k: T) => ({ ...k, asOf: '' });

async function rpcData(client: AppSupabaseClient, fn: 'dashboard_kpis' | 'ticket_status_breakdown'): Promise<unknown> {
  const { data, error } = await client.rpc(fn);
  if (error) throw new Error(`${fn}: ${error.message}`);
  return data;
}

/** What the database says, read directly with the same RPCs and the same user. */
export async function directView(client: AppSupabaseClient, limit: number) {
  const [feed, kpis, statuses] = await Promise.all([
    liveApi.getActivityFeed(client, { limit }),
    rpcData(client, 'dashboard_kpis').then(parseKpis),
    rpcData(client, 'ticket_status_breakdown').then(parseTicketStatusBreakdown),
  ]);
  return { ids: feed.items.map((i) => i.id), kpis: withoutAsOf(kpis.kpis), cursor: feed.maxId ?? 0, statuses: JSON.stringify(statuses) };
}

/** Waits until the engine's feed and KPIs equal a direct read; returns the engine's feed ids. */
export async function expectInSync(e: EngineUnderTest, reader: AppSupabaseClient, what: string, timeoutMs = 20_000) {
  let last = '';
  try {
    await waitFor(
      async () => {
        const state = e.stores.dashboard.getState();
        if (state.feed.status !== 'ready' || !state.kpis.data) return false;
        const ids = state.feed.items.map((i) => i.id);
        const direct = await directView(reader, state.feed.items.length || 100);
        const mine = withoutAsOf(state.kpis.data);
        last = JSON.stringify({ engine: { ids: ids.slice(0, 5), cursor: state.cursor, kpis: mine }, db: { ids: direct.ids.slice(0, 5), kpis: direct.kpis } });
        return (
          JSON.stringify(ids) === JSON.stringify(direct.ids) &&
          JSON.stringify(mine) === JSON.stringify(direct.kpis) &&
          state.cursor === direct.cursor &&
          JSON.stringify(state.ticketStatus.data) === direct.statuses
        );
      },
      what,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen ${last}`, { cause: err });
  }
  return e.stores.dashboard.getState().feed.items.map((i) => i.id);
}

// ---- writes, as the simulator makes them (superuser, straight into the database) ---------------

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq += 1)}`;

export async function insertCustomer(db: Db, name = 'Live Test'): Promise<string> {
  const u = unique();
  const { rows } = await db.query<{ id: string }>(
    'insert into customers (full_name, email) values ($1, $2) returning id',
    [`${name} ${u}`, `live-${u}@test.example`],
  );
  return rows[0]!.id;
}

export async function updateCustomer(db: Db, id: string): Promise<void> {
  await db.query(`update customers set phone = '+1 555 0100' where id = $1`, [id]);
}

export async function insertProduct(db: Db): Promise<string> {
  const u = unique().toUpperCase();
  const { rows } = await db.query<{ id: string }>(
    `insert into products (sku, name, price_cents, stock) values ($1, 'Live Part', 1500, 10) returning id`,
    [`LT-${u}`],
  );
  return rows[0]!.id;
}

export async function updateProduct(db: Db, id: string): Promise<void> {
  await db.query('update products set price_cents = price_cents + 100 where id = $1', [id]);
}

export async function insertTicket(db: Db, customerId: string, device = 'Phone'): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into tickets (customer_id, device, issue) values ($1, $2, 'Cracked screen') returning id`,
    [customerId, device],
  );
  return rows[0]!.id;
}

export async function setTicketStatus(db: Db, id: string, status: string): Promise<void> {
  await db.query('update tickets set status = $2 where id = $1', [id, status]);
}

export async function insertPaidOrder(db: Db, customerId: string, productId: string): Promise<string> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(`insert into orders (customer_id) values ($1) returning id`, [customerId]);
    const id = rows[0]!.id;
    await tx.query(`insert into order_items (order_id, product_id, quantity, unit_price_cents) values ($1, $2, 2, 1500)`, [id, productId]);
    await tx.query(`update orders set status = 'paid' where id = $1`, [id]);
    return id;
  });
}
