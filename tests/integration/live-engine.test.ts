import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveEngine } from '@/live/engine';
import { transportFor } from '@/live/transport/transport-for';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore, NOT_STAFF_MESSAGE } from '@/live/stores/session-store';
import {
  ADMIN,
  liveApi,
  expectInSync,
  insertCustomer,
  insertPaidOrder,
  insertProduct,
  insertTicket,
  newClient,
  openEngine,
  PASSWORD,
  setTicketStatus,
  startLiveStack,
  SUPPORT,
  updateCustomer,
  updateProduct,
  TEST_TRANSPORT,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

describe('live engine against the local stack: snapshot, then live changes', () => {
  let h: LiveStack;
  let admin: EngineUnderTest;
  let support: EngineUnderTest;

  beforeAll(async () => {
    h = await startLiveStack();
    admin = await openEngine(h, ADMIN);
    support = await openEngine(h, SUPPORT);
  });
  afterAll(async () => {
    await admin?.close();
    await support?.close();
    await h?.close();
  });

  it('admin: subscribes, snapshots, and goes live with data equal to the RPCs', async () => {
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'admin live');
    expect(admin.stores.session.getState()).toMatchObject({ status: 'signed-in', user: { role: 'admin' } });
    await expectInSync(admin, admin.client, 'the admin snapshot');
    expect(admin.stores.dashboard.getState().revenue.data).toHaveLength(7);
    // day buckets are the viewer's days (run with TZ=America/New_York to see it matter)
    const starts = (admin.stores.dashboard.getState().revenue.data ?? []).map((p) => new Date(p.bucketStart));
    expect(starts.map((d) => `${d.getHours()}:${d.getMinutes()}`)).toEqual(Array(7).fill('0:0'));
    expect(admin.stores.dashboard.getState().ticketStatus.data?.length).toBe(6);
  });

  it('support: binds three tables (or its private topic), no revenue, and sees no orders in the feed', async () => {
    await waitFor(() => support.stores.connection.getState().state === 'live', 'support live');
    expect(support.stores.session.getState().user?.role).toBe('support');
    if (TEST_TRANSPORT === 'broadcast') {
      // the default transport: one private channel, the role's delta topic
      expect(support.client.getChannels().map((c) => c.topic)).toEqual(['realtime:dashboard:support']);
      expect(admin.client.getChannels().map((c) => c.topic)).toEqual(['realtime:dashboard:admin']);
    } else {
      // one channel per table, and never orders (RLS would hide them; one bad binding kills a channel)
      expect(support.client.getChannels().map((c) => c.topic.replace(/^realtime:live-|-\d+$/g, '')).sort()).toEqual([
        'customers',
        'products',
        'tickets',
      ]);
      expect(admin.client.getChannels()).toHaveLength(4);
    }
    expect(support.stores.dashboard.getState().revenue).toMatchObject({ status: 'ready', data: null });
    expect(support.stores.dashboard.getState().kpis.data?.totalRevenueCents).toBeNull();
    await expectInSync(support, support.client, 'the support snapshot');
    expect(support.stores.dashboard.getState().feed.items.some((i) => i.entityType === 'order')).toBe(false);
  });

  it('changes on all four tables reach both dashboards through the cursor', async () => {
    const adminEventsBefore = admin.stores.connection.getState().eventsReceived;
    const pollsBefore = admin.stores.connection.getState().pollsMade;
    const customer = await insertCustomer(h.db);
    const product = await insertProduct(h.db);
    const ticket = await insertTicket(h.db, customer);
    await setTicketStatus(h.db, ticket, 'in_progress');
    await insertPaidOrder(h.db, customer, product);
    await updateProduct(h.db, product);
    await updateCustomer(h.db, customer);

    const adminIds = await expectInSync(admin, admin.client, 'admin after changes');
    const supportIds = await expectInSync(support, support.client, 'support after changes');
    const adminKinds = admin.stores.dashboard.getState().feed.items.slice(0, 8).map((i) => i.kind);
    expect(adminKinds).toEqual(
      expect.arrayContaining(['customer_registered', 'product_created', 'ticket_created', 'ticket_status_changed', 'order_placed', 'product_updated', 'customer_updated']),
    );
    expect(new Set(adminIds).size).toBe(adminIds.length);
    expect(new Set(supportIds).size).toBe(supportIds.length);
    expect(support.stores.dashboard.getState().feed.items.some((i) => i.entityType === 'order')).toBe(false);
    // it came by push, not by polling
    expect(admin.stores.connection.getState().eventsReceived).toBeGreaterThan(adminEventsBefore);
    expect(admin.stores.connection.getState().pollsMade).toBe(pollsBefore);
    expect(admin.stores.connection.getState().state).toBe('live');
    expect(admin.stores.connection.getState().lastCommitToScreenMs).not.toBeNull();
    const revenue = admin.stores.dashboard.getState().revenue.data ?? [];
    expect(revenue.at(-1)?.revenueCents).toBeGreaterThanOrEqual(3_000);
  });

  it('pause unsubscribes and freezes; resume catches up from the cursor and goes live', async () => {
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'admin live');
    admin.engine.pause();
    await waitFor(() => admin.client.getChannels().length === 0, 'the channels removed');
    expect(admin.stores.connection.getState().state).toBe('paused');
    const frozen = admin.stores.dashboard.getState().feed.items.map((i) => i.id);
    const customer = await insertCustomer(h.db);
    await insertTicket(h.db, customer, 'While paused');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(admin.stores.dashboard.getState().feed.items.map((i) => i.id)).toEqual(frozen);
    admin.engine.resume();
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'live after resume');
    const ids = await expectInSync(admin, admin.client, 'admin after resume');
    expect(ids.slice(2)).toEqual(frozen.slice(0, ids.length - 2));
  });

  it('a non-staff account is refused with a message and left signed out', async () => {
    const email = `outsider-${Date.now()}@test.example`;
    // an auth user with no staff profile (sign-ups are closed, so created as the seed does)
    await h.db.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at, confirmation_token, recovery_token,
         email_change_token_new, email_change)
       values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1,
         extensions.crypt($2, extensions.gen_salt('bf')), now(), '{"provider":"email","providers":["email"]}', '{}',
         now(), now(), '', '', '', '')`,
      [email, PASSWORD],
    );
    const stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
    const client = newClient(h);
    const engine = createLiveEngine({ client, api: liveApi, stores, transportFor });
    engine.start();
    await waitFor(() => stores.session.getState().status === 'signed-out', 'no session at start');
    expect(await engine.signIn(email, PASSWORD)).toEqual({ error: NOT_STAFF_MESSAGE });
    expect(stores.session.getState()).toMatchObject({ status: 'signed-out', message: NOT_STAFF_MESSAGE });
    expect(client.getChannels()).toHaveLength(0);
    expect(await engine.signIn(ADMIN, 'wrong-password')).toEqual({ error: expect.stringMatching(/invalid/i) });
    engine.stop();
  });
});
