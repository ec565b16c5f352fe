import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppSupabaseClient } from '@/lib/supabase';
import { transportFor } from '@/live/transport/transport-for';
import type { LiveChannel, LiveChannelHandlers, Transport, TransportContext, Viewer } from '@/live/transport/transport';
import type { LiveTransport } from '@/live/types';
import {
  ADMIN,
  directView,
  expectInSync,
  insertCustomer,
  insertPaidOrder,
  insertProduct,
  insertTicket,
  newClient,
  openEngine,
  PASSWORD,
  sleep,
  socketOf,
  startLiveStack,
  SUPPORT,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

// One contract, run against every transport (as Hono runs one router suite against every router):
// the real local stack, the real supabase-js over a real socket. A transport is opened directly
// through its interface (keys → open → ready or failure, and what arrives on its channels), and
// inside an engine (what a commit does to the store, a refused join, a dropped socket).
// A new transport (or a new topic of one) is added to TRANSPORTS and must pass all of it.

const TRANSPORTS: readonly LiveTransport[] = ['postgres_changes', 'broadcast'];

/** Timer syncs far away: whatever reaches the store while live came through the transport. */
const NO_TIMER = { kpiRefreshMs: 600_000, broadcastRefreshMs: 600_000 };

/** A context for driving a transport's channels alone; receive() is never called here. */
function idleContext(): TransportContext {
  const never = () => {
    throw new Error('the transport reached the engine while only its channels were under test');
  };
  return {
    opts: NO_TIMER,
    parseDelta: never,
    read: never,
    act: never,
    signal: never,
    touched: never,
    markDirty: never,
    syncInFlight: () => false,
    requestSnapshot: never,
    noteCommit: never,
    feedCap: () => 100,
    resetFeedCap: never,
    now: () => Date.now(),
    monotonic: () => performance.now(),
  };
}

interface Opened {
  channel: LiveChannel;
  ready: boolean;
  failures: { reason: string; tokenProblem: boolean }[];
  payloads: unknown[];
}

/** Opens every channel of `keys` through the transport, recording what each reports. */
function openAll(transport: Transport, client: AppSupabaseClient, keys: string[]): Map<string, Opened> {
  const opened = new Map<string, Opened>();
  for (const key of keys) {
    const record = { ready: false, failures: [], payloads: [] } as unknown as Opened;
    const handlers: LiveChannelHandlers = {
      onChange: (payload) => record.payloads.push(payload),
      onReady: () => {
        record.ready = true;
      },
      onResubscribed: () => undefined,
      onFailure: (reason, tokenProblem) => record.failures.push({ reason, tokenProblem }),
    };
    record.channel = transport.open(client, key, handlers);
    opened.set(key, record);
  }
  return opened;
}

async function signedIn(h: LiveStack, email: string): Promise<{ client: AppSupabaseClient; viewer: Viewer; token: string }> {
  const client = newClient(h);
  const { data, error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  await client.realtime.setAuth(data.session.access_token);
  const role = email === ADMIN ? 'admin' : 'support';
  return { client, viewer: { id: data.session.user.id, role }, token: data.session.access_token };
}

/** The same user's claims, expired two minutes ago, signed with the stack's real secret. */
async function expiredToken(h: LiveStack, token: string): Promise<string> {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  return h.stack.keys.sign({ ...claims, iat: now - 3_600, exp: now - 120 } as never);
}

async function closeClient(client: AppSupabaseClient) {
  await client.removeAllChannels();
  client.realtime.disconnect();
}

/** Activity ids above `after` in the database, as the user behind `reader` sees them. */
async function idsAbove(reader: AppSupabaseClient, after: number): Promise<number[]> {
  const { ids } = await directView(reader, 100);
  return ids.filter((id) => id > after).sort((a, b) => a - b);
}

let h: LiveStack;
beforeAll(async () => {
  h = await startLiveStack();
});
afterAll(async () => {
  await h?.close();
});

describe.each(TRANSPORTS)('transport contract: %s', (name) => {
  const make = transportFor(name);

  describe('its channels, opened through the interface', () => {
    it('join → every key reports ready, and nothing else is opened', async () => {
      const { client, viewer } = await signedIn(h, ADMIN);
      try {
        const transport = make(idleContext());
        const keys = transport.keys(viewer);
        expect(keys.length).toBeGreaterThan(0);
        expect(new Set(keys).size).toBe(keys.length);
        const opened = openAll(transport, client, keys);
        await waitFor(() => [...opened.values()].every((o) => o.ready), 'every channel ready', 10_000);
        for (const o of opened.values()) {
          expect(o.failures).toEqual([]);
          expect(o.channel.ready).toBe(true);
        }
        expect(client.getChannels()).toHaveLength(keys.length);
        // dispose ends it: the channel no longer says it is ready
        for (const o of opened.values()) o.channel.dispose();
        expect([...opened.values()].some((o) => o.channel.ready)).toBe(false);
      } finally {
        await closeClient(client);
      }
    });

    it('a support viewer’s channels carry a ticket but never an order', async () => {
      const support = await signedIn(h, SUPPORT);
      try {
        const transport = make(idleContext());
        const opened = openAll(transport, support.client, transport.keys(support.viewer));
        await waitFor(() => [...opened.values()].every((o) => o.ready), 'support channels ready', 10_000);
        const customer = await insertCustomer(h.db);
        const product = await insertProduct(h.db);
        const order = await insertPaidOrder(h.db, customer, product);
        const ticket = await insertTicket(h.db, customer, 'Contract support');
        const all = () => [...opened.values()].flatMap((o) => o.payloads.map((p) => JSON.stringify(p)));
        // the ticket committed after the order: once it is here, the order had its chance
        await waitFor(() => all().some((p) => p.includes(ticket)), 'the ticket on a support channel', 10_000);
        await sleep(300);
        expect(all().filter((p) => p.includes(order))).toEqual([]);
        expect(all().filter((p) => /"(table|entity_type)":"orders?"/.test(p))).toEqual([]);
      } finally {
        await closeClient(support.client);
      }
    });

    it('a join with a forged or an expired token is reported as a failure with a token problem, never as ready', async () => {
      const { client, viewer, token } = await signedIn(h, ADMIN);
      try {
        for (const bad of [`${token.slice(0, -4)}AAAA`, await expiredToken(h, token)]) {
          await client.removeAllChannels();
          await client.realtime.setAuth(bad);
          const transport = make(idleContext());
          const opened = openAll(transport, client, transport.keys(viewer));
          await waitFor(() => [...opened.values()].every((o) => o.failures.length > 0), 'every join refused', 10_000);
          for (const o of opened.values()) {
            expect(o.ready).toBe(false);
            expect(o.channel.ready).toBe(false);
            expect(o.failures[0]!.tokenProblem).toBe(true);
            expect(o.failures[0]!.reason).toMatch(/jwt|token/i);
          }
        }
      } finally {
        await closeClient(client);
      }
    });

    it('a key of another role the viewer may not read is refused or carries nothing of it', async () => {
      const support = await signedIn(h, SUPPORT);
      const admin = await signedIn(h, ADMIN);
      try {
        const transport = make(idleContext());
        const supportKeys = new Set(transport.keys(support.viewer));
        const adminOnly = transport.keys(admin.viewer).filter((k) => !supportKeys.has(k));
        expect(adminOnly.length).toBeGreaterThan(0);
        const opened = openAll(transport, support.client, adminOnly);
        await waitFor(() => [...opened.values()].every((o) => o.ready || o.failures.length > 0), 'the joins answered', 10_000);
        const customer = await insertCustomer(h.db);
        const product = await insertProduct(h.db);
        const order = await insertPaidOrder(h.db, customer, product);
        await sleep(1_000);
        for (const o of opened.values()) expect(o.payloads.map((p) => JSON.stringify(p)).filter((p) => p.includes(order))).toEqual([]);
      } finally {
        await closeClient(support.client);
        await closeClient(admin.client);
      }
    });
  });

  describe('inside an engine', () => {
    let admin: EngineUnderTest;
    let support: EngineUnderTest;
    /** while set, the stored session carries this expired token; a refresh brings a good one again */
    let expire: string | null = null;

    beforeAll(async () => {
      admin = await openEngine(h, ADMIN, { transport: name, ...NO_TIMER }, (api) => ({
        ...api,
        getSession: async (client) => {
          const session = await api.getSession(client);
          return session && expire !== null ? { ...session, accessToken: expire } : session;
        },
        refreshSession: (client) => {
          expire = null;
          return api.refreshSession(client);
        },
      }));
      support = await openEngine(h, SUPPORT, { transport: name, ...NO_TIMER });
      await waitFor(() => admin.stores.connection.getState().state === 'live', 'admin live');
      await waitFor(() => support.stores.connection.getState().state === 'live', 'support live');
    });
    afterAll(async () => {
      await admin?.close();
      await support?.close();
    });

    it('join → ready: live, with exactly the transport’s channels', async () => {
      const connection = admin.stores.connection.getState();
      expect(connection.realtime).toBe('ready');
      expect(connection.state).toBe('live');
      const { data } = await admin.client.auth.getSession();
      const keys = make(idleContext()).keys({ id: data.session!.user.id, role: 'admin' });
      expect(admin.client.getChannels()).toHaveLength(keys.length);
      await expectInSync(admin, admin.client, 'admin starts equal to the database');
    });

    it('a committed change reaches the admin’s store, KPIs and feed, while live and without a timer', async () => {
      const before = admin.stores.dashboard.getState();
      const revenueBefore = before.kpis.data!.totalRevenueCents!;
      const customer = await insertCustomer(h.db);
      const product = await insertProduct(h.db);
      const order = await insertPaidOrder(h.db, customer, product);
      const ticket = await insertTicket(h.db, customer, 'Contract admin');
      await waitFor(() => admin.stores.dashboard.getState().feed.items.some((i) => i.entityId === ticket), 'the ticket in the admin feed', 10_000);
      const after = admin.stores.dashboard.getState();
      expect(after.feed.items.some((i) => i.entityType === 'order' && i.entityId === order)).toBe(true);
      expect(after.kpis.data!.totalRevenueCents).toBe(revenueBefore + 2 * 1500);
      expect(after.cursor).toBeGreaterThan(before.cursor);
      expect(admin.stores.connection.getState().state).toBe('live');
      await expectInSync(admin, admin.client, 'admin after a commit');
    });

    it('a support dashboard never holds order data', async () => {
      const customer = await insertCustomer(h.db);
      const product = await insertProduct(h.db);
      const order = await insertPaidOrder(h.db, customer, product);
      const ticket = await insertTicket(h.db, customer, 'Contract support engine');
      await waitFor(() => support.stores.dashboard.getState().feed.items.some((i) => i.entityId === ticket), 'the ticket in the support feed', 10_000);
      const held = support.stores.dashboard.getState();
      expect(held.feed.items.filter((i) => i.entityType === 'order')).toEqual([]);
      expect(JSON.stringify(held)).not.toContain(order);
      expect(held.kpis.data!.totalRevenueCents).toBeNull();
      expect(held.revenue.data).toBeNull();
      await expectInSync(support, support.client, 'support after a commit');
    });

    it('a refused join is reported (not silence) and the engine polls, then refreshes, rejoins and is live again with nothing lost', async () => {
      const seen: { state: string; lastError: string | null }[] = [];
      const unsubscribe = admin.stores.connection.subscribe((c) => seen.push({ state: c.state, lastError: c.lastError }));
      try {
        const { data } = await admin.client.auth.getSession();
        expire = await expiredToken(h, data.session!.access_token);
        const cursor = admin.stores.dashboard.getState().cursor;
        const from = admin.calls.length;
        socketOf(admin.client)?.terminate();
        const customer = await insertCustomer(h.db);
        await insertTicket(h.db, customer, 'While refused');
        await waitFor(() => seen.some((s) => s.state === 'polling' && /expired|jwt|token/i.test(s.lastError ?? '')), 'the refused join reported', 15_000);
        // only a refresh gets a good token again: live means the failure was read as a token problem
        await waitFor(() => admin.stores.connection.getState().state === 'live', 'live again after the refusal', 20_000);
        expect(expire).toBeNull();
        expect(admin.calls.slice(from).map((c) => c.fn)).toContain('refreshSession');
        const ids = await expectInSync(admin, admin.client, 'admin after the refused join');
        expect(ids.filter((id) => id > cursor).sort((a, b) => a - b)).toEqual(await idsAbove(admin.client, cursor));
      } finally {
        expire = null;
        unsubscribe();
      }
    });

    it('a dropped socket → polling → live again, nothing lost or doubled', async () => {
      const states: string[] = [admin.stores.connection.getState().state];
      const unsubscribe = admin.stores.connection.subscribe((c) => {
        if (states.at(-1) !== c.state) states.push(c.state);
      });
      try {
        const cursor = admin.stores.dashboard.getState().cursor;
        const customer = await insertCustomer(h.db);
        const product = await insertProduct(h.db);
        const writes = (async () => {
          for (let i = 0; i < 20; i++) {
            if (i % 4 === 0) await insertPaidOrder(h.db, customer, product);
            else await insertTicket(h.db, customer, `Cut ${i}`);
            await sleep(40);
          }
        })();
        await sleep(200);
        socketOf(admin.client)?.terminate();
        await writes;
        await waitFor(() => states.includes('polling'), 'polling after the drop', 15_000);
        await waitFor(() => admin.stores.connection.getState().state === 'live', 'live after the drop', 30_000);
        const ids = await expectInSync(admin, admin.client, 'admin after the drop');
        expect(new Set(ids).size).toBe(ids.length);
        const mine = ids.filter((id) => id > cursor).sort((a, b) => a - b);
        expect(mine.length).toBeGreaterThanOrEqual(20);
        expect(mine).toEqual(await idsAbove(admin.client, cursor));
        expect(admin.stores.dashboard.getState().cursor).toBe(Math.max(...mine));
        await expectInSync(support, support.client, 'support untouched by the admin’s drop');
      } finally {
        unsubscribe();
      }
    });
  });
});
