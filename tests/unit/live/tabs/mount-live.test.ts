import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountLive } from '@/live/mount-live';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore } from '@/live/stores/session-store';
import { createFakeApi, createFakeEnv, FakeClient, FakeDb } from '../fakes';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('mountLive', () => {
  it('without Web Locks or BroadcastChannel the tab runs its own engine on the view stores', async () => {
    const db = new FakeDb();
    const client = new FakeClient();
    const session = { valid: true, refreshable: true, token: 'token-1' };
    const stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
    const live = mountLive({
      client: client.asClient(),
      api: createFakeApi(db, session),
      env: createFakeEnv().env,
      stores,
      tabs: { projectUrl: 'http://x', platform: null },
    });
    live.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(stores.session.getState().status).toBe('signed-in');
    // the default transport: the role's private delta topic, one channel
    expect(client.getChannels().map((c) => [c.name, c.options])).toEqual([['dashboard:admin', { config: { private: true } }]]);
    live.stop();
    expect(client.getChannels()).toHaveLength(0);
  });
});
