import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimEvent } from '../../local-supabase/simulator/simulator.ts';
import { startSimulator } from '../../local-supabase/simulator/simulator.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { startStack } from '../../local-supabase/stack.ts';
import { mulberry32 } from '../support/rng.ts';
import { startTestStack } from './stack-setup.ts';


let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack({ simulatorRatePerMin: 0 });
});
afterAll(async () => {
  await stack?.close();
});

async function count(sql: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(sql);
  return rows[0]?.n ?? 0;
}

describe('simulator', () => {
  it('writes every kind of shop activity, all of it logged', async () => {
    const before = await count('select count(*)::int as n from public.activity_log');
    const log: string[] = [];
    const sim = startSimulator({ db: stack.db, ratePerMin: 0, random: mulberry32(42), log: (m) => log.push(m) });
    const kinds = new Set<SimEvent>();
    for (let i = 0; i < 150; i++) kinds.add(await sim.step());
    await sim.stop();

    expect(log).toEqual([]);
    expect(sim.stats().errors).toBe(0);
    for (const kind of ['customer_registered', 'ticket_opened', 'ticket_moved', 'order_placed', 'order_paid', 'product_restocked', 'product_repriced'] as const) {
      expect(kinds).toContain(kind);
    }
    const after = await count('select count(*)::int as n from public.activity_log');
    expect(after - before).toBeGreaterThanOrEqual(150);
    // Orders it placed carry their items (totals kept by the database's triggers).
    expect(await count(`select count(*)::int as n from public.orders o where o.created_at > now() - interval '5 minutes' and o.item_count = 0`)).toBe(0);
  });

  it('bursts many events in batched transactions, each event atomic on its own', async () => {
    const sim = startSimulator({ db: stack.db, ratePerMin: 0, random: mulberry32(7) });
    const before = await count('select count(*)::int as n from public.activity_log');
    const results = await sim.burst(60);
    await sim.stop();
    expect(results).toHaveLength(60);
    expect(sim.stats()).toEqual({ events: 60, errors: 0 });
    expect(await count('select count(*)::int as n from public.activity_log')).toBeGreaterThanOrEqual(before + 60);
  });

  it('settles into a steady shop over a long run instead of piling up repairs', async () => {
    // Counts the whole shop, so it needs a database only this simulator writes to: the shared
    // PostgreSQL of the DATABASE_URL run holds the thousand tickets other suites open.
    const own = await startStack({ port: 0, memory: true });
    try {
      const sim = startSimulator({ db: own.db, ratePerMin: 0, random: mulberry32(3) });
      await sim.burst(1500);
      await sim.stop();
      const shop = async (sql: string) => (await own.db.query<{ n: number }>(sql)).rows[0]?.n ?? 0;
      const active = await shop(`select count(*)::int as n from public.tickets where status not in ('closed', 'cancelled')`);
      const pending = await shop(`select count(*)::int as n from public.orders where status = 'pending'`);
      expect(active).toBeGreaterThanOrEqual(5);
      expect(active).toBeLessThanOrEqual(60);
      expect(pending).toBeLessThanOrEqual(60);
    } finally {
      await own.close();
    }
  });

  it('runs on its own at the configured rate when the stack starts it', async () => {
    const fast = await startTestStack({ simulatorRatePerMin: 6000 });
    try {
      const deadline = Date.now() + 30_000;
      while (fast.simulator!.stats().events < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(fast.simulator!.stats().events).toBeGreaterThanOrEqual(20);
    } finally {
      await fast.close();
    }
  });
});
