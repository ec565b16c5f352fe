import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-error';
import type { SyncParams } from '@/live/types';
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

type Setup = Awaited<ReturnType<typeof liveEngine>>;

/** dashboard_sync as a server whose tzdata lacks the viewer's zone (or refuses otherwise) answers */
function refuse(setup: Setup, when: (p: SyncParams) => boolean, message: string) {
  const sync = setup.api.syncDashboard;
  const answer = vi.mocked(sync).getMockImplementation()!;
  vi.mocked(sync).mockImplementation(async (client, params) => {
    if (when(params)) {
      setup.db.calls.push({ fn: 'dashboard_sync', params });
      throw new ApiError(message, 400, '22023');
    }
    return answer(client, params);
  });
}

const tzs = (setup: Setup) => setup.db.calls.filter((c) => c.fn === 'dashboard_sync').map((c) => (c.params as SyncParams).tz);

describe('live engine: revenue time zone', () => {
  it('asks for the viewer\u2019s days in the viewer\u2019s zone', async () => {
    const setup = await liveEngine();
    setup.engine.setRevenueRange('30d');
    await settle(100);
    expect(setup.db.calls.find((c) => c.fn === 'dashboard_sync')?.params).toMatchObject({ bucket: 'day', tz: viewerZone });
    setup.engine.stop();
  });

  it('retries once in UTC when the server does not know the zone, and keeps UTC for the session', async () => {
    const setup = await liveEngine();
    const { engine, db, stores } = setup;
    refuse(setup, (p) => p.tz === viewerZone, `unknown time zone '${viewerZone}'`);
    engine.setRevenueRange('30d');
    await settle(100);
    expect(tzs(setup)).toEqual([viewerZone, 'UTC']);
    expect(stores.dashboard.getState().revenue).toMatchObject({ status: 'ready', error: null, range: '30d' });
    expect(stores.dashboard.getState().revenue.data).toHaveLength(30);
    expect(stores.connection.getState().rpcErrors).toBe(0);

    db.calls.length = 0;
    engine.setRevenueRange('7d');
    await settle(600);
    expect(tzs(setup)).toEqual(['UTC']);
    expect(stores.dashboard.getState().revenue.status).toBe('ready');
    engine.stop();
  });

  it('other invalid-argument errors show as an error (never offline), without a time-zone retry', async () => {
    const setup = await liveEngine({ options: { syncRetryDelaysMs: [60_000] } });
    const { engine, db, stores } = setup;
    refuse(setup, () => true, 'p_limit must be between 1 and 1000');
    engine.setRevenueRange('30d');
    await settle(100);
    expect(db.count('dashboard_sync')).toBe(1);
    expect(stores.dashboard.getState().revenue).toMatchObject({ status: 'error', range: '30d' });
    expect(stores.connection.getState()).toMatchObject({ state: 'live', api: 'error', rpcErrors: 1 });
    engine.stop();
  });
});
