import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { revenueWindow } from '@/live/revenue-window';
import { createRevenueExtras } from '@/live/tabs/revenue-extras';
import {
  ADMIN,
  insertCustomer,
  insertPaidOrder,
  insertProduct,
  liveApi,
  openEngine,
  sleep,
  socketOf,
  startLiveStack,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

// Issue 17, case 4, with the real stack and the real supabase-js in broadcast mode: the leader's
// hourly 24 h series (kept beside the engine's days) reads revenue_series_at_head; an order its
// read already included is not added again when Realtime delivers the order's delta afterwards.

const NO_TIMER = { transport: 'broadcast' as const, broadcastRefreshMs: 600_000, kpiRefreshMs: 600_000 };

/** Holds the admin topic's deltas on the joined socket while `holding`; release() delivers them in order. */
function holdDeltas(e: EngineUnderTest) {
  const ws = socketOf(e.client)! as unknown as { onmessage: (event: { data: unknown }) => void };
  const deliver = ws.onmessage;
  const held: Array<{ data: unknown }> = [];
  let holding = true;
  ws.onmessage = (event) => {
    const text = typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
    if (holding && text.includes('realtime:dashboard:admin') && text.includes('"from_cursor"')) held.push(event);
    else deliver(event);
  };
  return {
    count: () => held.length,
    release() {
      holding = false;
      for (const event of held.splice(0)) deliver(event);
    },
  };
}

describe('the leader’s 24 h series beside the engine’s days (issue 17 case 4)', () => {
  let h: LiveStack;
  let engine: EngineUnderTest | null = null;
  let customer: string;
  let product: string;

  beforeAll(async () => {
    h = await startLiveStack();
    customer = await insertCustomer(h.db);
    product = await insertProduct(h.db);
  });
  afterEach(async () => {
    await engine?.close();
    engine = null;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts an order once when its delta is applied after the series’ own read included it', async () => {
    engine = await openEngine(h, ADMIN, NO_TIMER);
    const e = engine;
    await waitFor(() => e.stores.connection.getState().state === 'live', 'live');
    const reads: number[] = [];
    const extras = createRevenueExtras({
      clock: { monotonic: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t), random: Math.random },
      fetchSeries: async (range) => {
        const answer = await liveApi.getRevenueSeriesAtHead(e.client, revenueWindow(range, Date.now()));
        reads.push(answer.deltaSeq);
        return answer;
      },
      unavailable: () => false,
      onChange: () => undefined,
    });
    const stopFollowing = e.engine.onRevenueChange!((change) => extras.engineChanged(change));
    extras.followEngine();
    try {
      const shown = () => (extras.current()['24h']?.data ?? []).reduce((sum, p) => sum + p.revenueCents, 0);
      const database = async () => {
        const answer = await liveApi.getRevenueSeriesAtHead(e.client, revenueWindow('24h', Date.now()));
        return answer.points.reduce((sum, p) => sum + p.revenueCents, 0);
      };
      extras.want(['24h']);
      await waitFor(() => reads.length === 1 && extras.current()['24h']?.status === 'ready', 'the first read');
      expect(shown()).toBe(await database());

      const network = holdDeltas(e);
      await insertPaidOrder(h.db, customer, product); // 3000 cents
      await waitFor(() => network.count() > 0, 'the order’s delta, held by the network');
      extras.refetch(); // the series' own read (an hour boundary, say) includes the order …
      await waitFor(() => reads.length === 2, 'the second read');
      await sleep(50);
      expect(shown()).toBe(await database());
      const applied = e.calls.length;
      network.release(); // … and only then does Realtime deliver its delta
      await waitFor(() => e.calls.length > applied, 'the delta parsed');
      await sleep(300);
      expect(shown()).toBe(await database()); // before: 3000 cents too many, until the next hour's read
      expect(reads).toHaveLength(2);
    } finally {
      stopFollowing?.();
      extras.stop();
    }
  });
});
