import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-error';
import { liveEngine, settle } from './fakes';

const viewerZone = 'Mars/Olympus_Mons';

beforeEach(() => {
  // before the fake timers, which wrap Intl.DateTimeFormat around the real prototype
  const resolved = Intl.DateTimeFormat.prototype.resolvedOptions;
  vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockImplementation(function (this: Intl.DateTimeFormat) {
    return { ...resolved.call(this), timeZone: viewerZone };
  });
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** revenue_series as a server whose tzdata lacks the viewer's zone answers */
function rejectViewerZone(setup: Awaited<ReturnType<typeof liveEngine>>) {
  const series = setup.api.getRevenueSeries;
  const answer = vi.mocked(series).getMockImplementation()!;
  vi.mocked(series).mockImplementation(async (client, params) => {
    if (params.tz === viewerZone) {
      setup.db.calls.push({ fn: 'revenue_series', params });
      throw new ApiError(`unknown time zone '${viewerZone}'`, 400, '22023');
    }
    return answer(client, params);
  });
}

describe('live engine: revenue time zone', () => {
  it('asks for the viewer\u2019s days in the viewer\u2019s zone', async () => {
    const { engine, db } = await liveEngine();
    engine.setRevenueRange('30d');
    await settle(100);
    expect(db.calls.find((c) => c.fn === 'revenue_series')?.params).toMatchObject({ bucket: 'day', tz: viewerZone });
    engine.stop();
  });

  it('retries once in UTC when the server does not know the zone, and keeps UTC for the session', async () => {
    const setup = await liveEngine();
    const { engine, db, stores } = setup;
    rejectViewerZone(setup);
    engine.setRevenueRange('30d');
    await settle(100);
    const tzs = () => db.calls.filter((c) => c.fn === 'revenue_series').map((c) => (c.params as { tz: string }).tz);
    expect(tzs()).toEqual([viewerZone, 'UTC']);
    expect(stores.dashboard.getState().revenue).toMatchObject({ status: 'ready', error: null, range: '30d' });
    expect(stores.dashboard.getState().revenue.data).toHaveLength(30);
    expect(stores.connection.getState().rpcErrors).toBe(0);

    db.calls.length = 0;
    engine.setRevenueRange('7d');
    await settle(600); // past the minimum gap between two catch-ups
    expect(tzs()).toEqual(['UTC']);
    expect(stores.dashboard.getState().revenue.status).toBe('ready');
    engine.stop();
  });

  it('other invalid-argument errors still show as an error, without a retry', async () => {
    const setup = await liveEngine();
    const { engine, db, stores } = setup;
    vi.mocked(setup.api.getRevenueSeries).mockImplementation(async (_c, params) => {
      db.calls.push({ fn: 'revenue_series', params });
      throw new ApiError('too many buckets: at most 2200 day buckets per call', 400, '22023');
    });
    engine.setRevenueRange('30d');
    await settle(100);
    expect(db.count('revenue_series')).toBe(1);
    expect(stores.dashboard.getState().revenue).toMatchObject({ status: 'error', range: '30d' });
    engine.stop();
  });
});
