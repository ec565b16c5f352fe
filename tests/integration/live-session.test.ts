import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_EXPIRED_MESSAGE } from '@/live/stores/session-store';
import type { ConnectionState } from '@/live/types';
import {
  ADMIN,
  expectInSync,
  insertCustomer,
  insertTicket,
  openEngine,
  startLiveStack,
  SUPPORT,
  waitFor,
  type EngineUnderTest,
  type LiveStack,
} from './live-harness';

const JWT_EXPIRY_SEC = 4;

function recordStates(e: EngineUnderTest): ConnectionState[] {
  const states: ConnectionState[] = [e.stores.connection.getState().state];
  e.stores.connection.subscribe((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  return states;
}

async function accessToken(e: EngineUnderTest): Promise<string | undefined> {
  return (await e.client.auth.getSession()).data.session?.access_token;
}

describe('live engine against the local stack: tokens that expire mid-session', () => {
  let h: LiveStack;
  const engines: EngineUnderTest[] = [];

  beforeAll(async () => {
    h = await startLiveStack({ jwtExpirySec: JWT_EXPIRY_SEC });
  });
  afterAll(async () => {
    for (const e of engines) await e.close();
    await h?.close();
  });

  it('the server closes the channel when the token expires: refresh, resubscribe, catch up, live again', async () => {
    // no KPI ticks and no events: nothing refreshes the token by the way
    const admin = await openEngine(h, ADMIN, { kpiRefreshMs: 600_000 });
    engines.push(admin);
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'admin live');
    const states = recordStates(admin);
    const refreshesBefore = admin.calls.filter((c) => c.fn === 'refreshSession').length;
    // the realtime server sees the token expire and closes the channels (system error + phx_close)
    await waitFor(() => states.includes('polling'), 'the channels to close on expiry', (JWT_EXPIRY_SEC + 10) * 1000);
    const customer = await insertCustomer(h.db);
    await insertTicket(h.db, customer, 'While expired');
    await waitFor(() => admin.stores.connection.getState().state === 'live', 'live with a fresh token', 30_000);
    expect(admin.calls.filter((c) => c.fn === 'refreshSession').length).toBeGreaterThan(refreshesBefore);
    expect(admin.stores.session.getState().status).toBe('signed-in');
    await expectInSync(admin, admin.client, 'in sync after the refresh');
    // and pushes flow again on the new channels
    const polls = admin.stores.connection.getState().pollsMade;
    const events = admin.stores.connection.getState().eventsReceived;
    await insertTicket(h.db, customer, 'After refresh');
    await waitFor(() => admin.stores.connection.getState().eventsReceived > events, 'a push on the new channel');
    await expectInSync(admin, admin.client, 'the push applied');
    if (admin.stores.connection.getState().state === 'live') expect(admin.stores.connection.getState().pollsMade).toBe(polls);
  });

  it('a session that can no longer be refreshed ends in a clean sign-out with a message', async () => {
    const support = await openEngine(h, SUPPORT, { kpiRefreshMs: 600_000 });
    engines.push(support);
    await waitFor(() => support.stores.connection.getState().state === 'live', 'support live');
    expect(await accessToken(support)).toBeTruthy();
    // the session is revoked on the server (e.g. signed out everywhere)
    await h.db.query(
      `update auth.refresh_tokens set revoked = true where user_id = (select id::text from auth.users where email = $1)`,
      [SUPPORT],
    );
    await waitFor(() => support.stores.session.getState().status === 'signed-out', 'the sign-out', (JWT_EXPIRY_SEC + 20) * 1000);
    expect(support.stores.session.getState()).toMatchObject({ user: null, message: SESSION_EXPIRED_MESSAGE });
    expect(support.client.getChannels()).toHaveLength(0);
    expect(support.stores.dashboard.getState().feed.items).toHaveLength(0);
  });
});
