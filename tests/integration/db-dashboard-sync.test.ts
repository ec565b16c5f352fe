// dashboard_sync and ticket_aging through the real supabase-js, on the local stack (PGlite) and,
// with DATABASE_URL, on PostgreSQL 15: the contract's fields per role, a catch-up after a write,
// feed_complete past p_limit, bad arguments, and the epoch (fresh per database, new after TRUNCATE).
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local-supabase/stack.ts';
import { freshDatabase } from '../support/fresh-database.ts';
import { ADMIN, client, serviceClient, signedIn, startTestStack, SUPPORT } from './stack-setup.ts';

interface FeedRow {
  id: number;
  kind: string;
  entity_type: string;
  entity_id: string;
  occurred_at: string;
  summary: Record<string, unknown>;
}
interface Sync {
  epoch: string;
  reset: boolean;
  cursor: number;
  feed: FeedRow[];
  feed_complete: boolean;
  kpis: Record<string, unknown> & { cursor: number; new_tickets_24h: number; active_repairs: number };
  ticket_status: { status: string; count: number }[];
  revenue: { bucket_start: string; revenue_cents: number; orders_count: number }[] | null;
  ticket_aging: {
    active: { status: string; count: number; urgent: number; high: number; oldest_created_at: string | null; oldest_seconds: number | null }[];
    done_30d: { closed: number; cancelled: number };
  };
}

const CUSTOMER = 'c9000000-0000-4000-8000-000000000001';
const TICKET = 'a9000000-0000-4000-8000-000000000001';
const onPglite = !process.env.DATABASE_URL;

async function sync(sb: SupabaseClient, args: Record<string, unknown> = {}): Promise<Sync> {
  const { data, error } = await sb.rpc('dashboard_sync', args);
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return data as Sync;
}

let stack: Stack;
let admin: SupabaseClient;
let support: SupabaseClient;
let service: SupabaseClient;

async function cleanup(): Promise<void> {
  await service.from('tickets').delete().eq('customer_id', CUSTOMER);
  await service.from('customers').delete().eq('id', CUSTOMER);
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signedIn(stack, ADMIN);
  support = await signedIn(stack, SUPPORT);
  service = serviceClient(stack);
  await cleanup();
  const { error } = await service.from('customers').insert({ id: CUSTOMER, full_name: 'Ivy Integration', email: 'ivy.integration@example.com' });
  if (error) throw error;
});
afterAll(async () => {
  if (service) await cleanup();
  await stack?.close();
});

describe('dashboard_sync', () => {
  it('gives admin one snapshot with every contract field', async () => {
    const s = await sync(admin, { p_limit: 20, p_revenue_from: new Date(Date.now() - 3 * 86400_000).toISOString() });
    expect(Object.keys(s).sort()).toEqual(
      ['cursor', 'delta_sent_at', 'delta_seq', 'epoch', 'feed', 'feed_complete', 'kpis', 'reset', 'revenue', 'ticket_aging', 'ticket_status'],
    );
    expect(s.reset).toBe(false);
    expect(s.feed).toHaveLength(20);
    expect(s.feed_complete).toBe(false); // the seed holds thousands of rows
    expect(s.feed[0]?.id).toBe(s.cursor);
    expect(s.feed.map((r) => r.id)).toEqual([...s.feed.map((r) => r.id)].sort((a, b) => b - a));
    expect(Object.keys(s.feed[0] ?? {}).sort()).toEqual(['entity_id', 'entity_type', 'id', 'kind', 'occurred_at', 'summary']);
    expect(s.kpis.cursor).toBe(s.cursor);
    expect(s.kpis.role).toBe('admin');
    expect(s.ticket_status.map((r) => r.status)).toEqual(['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled']);
    expect(s.revenue?.length).toBeGreaterThanOrEqual(3);
    expect(s.ticket_aging.active.map((r) => r.status)).toEqual(['open', 'in_progress', 'waiting_parts', 'ready']);
    expect(s.ticket_aging.active.reduce((n, r) => n + r.count, 0)).toBe(s.kpis.active_repairs);
  });

  it('agrees with the older RPCs', async () => {
    const s = await sync(admin);
    const { data: breakdown } = await admin.rpc('ticket_status_breakdown');
    const { data: aging } = await admin.rpc('ticket_aging');
    expect(breakdown).toEqual(s.ticket_status);
    expect((aging as Sync['ticket_aging']).done_30d).toEqual(s.ticket_aging.done_30d);
    const { data: feed } = await admin.rpc('activity_feed', { p_limit: 5 });
    expect((feed as FeedRow[]).map((r) => r.id)).toEqual(s.feed.slice(0, 5).map((r) => r.id));
  });

  it('catches up from a cursor after a write, with the KPIs moved by the same change', async () => {
    const before = await sync(admin, { p_limit: 1 });
    const { error } = await service.from('tickets').insert({ id: TICKET, customer_id: CUSTOMER, device: 'Phone', issue: 'Sync test', priority: 'urgent' });
    expect(error).toBeNull();
    const after = await sync(admin, { p_after: before.cursor, p_epoch: before.epoch });
    expect(after.reset).toBe(false);
    expect(after.feed_complete).toBe(true);
    const mine = after.feed.find((r) => r.entity_id === TICKET);
    expect(mine).toMatchObject({ kind: 'ticket_created', entity_type: 'ticket' });
    expect(after.cursor).toBeGreaterThan(before.cursor);
    const open = (s: Sync) => s.ticket_status.find((r) => r.status === 'open')?.count ?? 0;
    const urgentOpen = (s: Sync) => s.ticket_aging.active[0]?.urgent ?? 0;
    // Other writers may share the database (PostgreSQL run): compare by what this feed says happened.
    const created = after.feed.filter((r) => r.kind === 'ticket_created').length;
    expect(created).toBeGreaterThanOrEqual(1);
    if (onPglite) {
      expect(open(after)).toBe(open(before) + 1);
      expect(urgentOpen(after)).toBe(urgentOpen(before) + 1);
      expect(after.kpis.new_tickets_24h).toBe(before.kpis.new_tickets_24h + 1);
      expect(after.kpis.active_repairs).toBe(before.kpis.active_repairs + 1);
    }
    const caughtUp = await sync(admin, { p_after: after.cursor, p_epoch: after.epoch });
    expect(caughtUp.feed.some((r) => r.entity_id === TICKET)).toBe(false);
  });

  it('gives support no order rows, null revenue figures and no revenue', async () => {
    const s = await sync(support, { p_limit: 200, p_revenue_from: new Date(Date.now() - 86400_000).toISOString() });
    expect(s.feed.length).toBeGreaterThan(0);
    expect(s.feed.filter((r) => r.entity_type === 'order')).toEqual([]);
    expect(s.revenue).toBeNull();
    expect(s.kpis.total_revenue_cents).toBeNull();
    expect(s.kpis.role).toBe('support');
    expect(s.ticket_aging.active).toHaveLength(4);
  });

  it('refuses anon and bad arguments with the contract codes', async () => {
    const anon = await client(stack).rpc('dashboard_sync', {});
    expect(anon.error?.code).toBe('42501');
    const aging = await client(stack).rpc('ticket_aging');
    expect(aging.error?.code).toBe('42501');
    for (const args of [{ p_limit: 0 }, { p_limit: 5000 }, { p_bucket: 'week' }, { p_tz: 'Mars/Olympus' }, { p_after: -1 }]) {
      const { error } = await admin.rpc('dashboard_sync', args);
      expect(error?.code, JSON.stringify(args)).toBe('22023');
    }
  });

  it('tells a client holding another epoch to reset', async () => {
    const s = await sync(admin, { p_after: 1, p_epoch: 'an-epoch-from-another-database', p_limit: 5 });
    expect(s.reset).toBe(true);
    expect(s.feed.map((r) => r.id)[0]).toBe(s.cursor); // a fresh snapshot, not the rows after id 1
    expect(s.feed_complete).toBe(false);
  });

  // "Every new database": a second in-process stack on PGlite (each starts from the migrations).
  // The TRUNCATE: on PostgreSQL 15 every integration file shares one database, so it runs on a
  // private clone of the migrated one (tests/support/fresh-database.ts; a clone is the same log, so
  // it keeps its epoch until the TRUNCATE).
  it.skipIf(!onPglite && !process.env.TEST_TEMPLATE_DATABASE)('starts a new epoch after TRUNCATE, and every new database has its own', async () => {
    const fresh = onPglite ? null : await freshDatabase();
    const own = fresh === null ? stack : await startTestStack({ databaseUrl: fresh.url });
    try {
      const ownAdmin = fresh === null ? admin : await signedIn(own, ADMIN);
      const before = await sync(ownAdmin, { p_limit: 1 });
      if (onPglite) {
        const other = await startTestStack();
        try {
          const otherAdmin = await signedIn(other, ADMIN);
          expect((await sync(otherAdmin, { p_limit: 1 })).epoch).not.toBe(before.epoch);
        } finally {
          await other.close();
        }
      }
      await own.db.exec('truncate public.activity_log');
      const after = await sync(ownAdmin, { p_after: before.cursor, p_epoch: before.epoch });
      expect(after.reset).toBe(true);
      expect(after.epoch).not.toBe(before.epoch);
      expect(after.cursor).toBe(0);
      expect(after.feed).toEqual([]);
    } finally {
      if (fresh !== null) {
        await own.close();
        await fresh.drop();
      }
    }
  });
});
