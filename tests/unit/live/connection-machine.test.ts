import { describe, expect, it } from 'vitest';
import { SYNC_ERROR_LIMIT, connectionReducer, initialConnectionInfo } from '@/live/connection-machine';
import type { ConnectionEvent, LiveConnection } from '@/live/types';
import { mulberry32 } from '../../support/rng.ts';

const at = 1_000;
const run = (info: LiveConnection, ...events: ConnectionEvent[]) => events.reduce(connectionReducer, info);
const start = () => run(initialConnectionInfo(0), { type: 'connect', at: 0 });
const ready: ConnectionEvent = { type: 'realtime-ready', at };
const lost: ConnectionEvent = { type: 'realtime-lost', at, reason: 'CHANNEL_ERROR' };
const ok = (mark: number | null): ConnectionEvent => ({ type: 'sync-ok', at, mark });
const unreachable: ConnectionEvent = { type: 'sync-failed', at, error: 'Cannot reach the server', network: true };
const parseError: ConnectionEvent = { type: 'sync-failed', at, error: 'sync: Unexpected value for dashboard_sync.cursor', network: false };

/** the states reachable from a fresh start, as event lists */
const live = () => run(start(), ready, ok(1));
const polling = () => run(live(), lost, ok(null));
const offline = () => run(live(), unreachable);

describe('connection state machine', () => {
  it('starts connecting with all counters at zero', () => {
    const info = initialConnectionInfo(5);
    expect(info).toMatchObject({ state: 'connecting', since: 5, realtime: 'connecting', api: 'unknown', eventsReceived: 0, pollsMade: 0, rpcErrors: 0, lastError: null });
  });

  it('live needs both: the channels ready and a sync that started after they were', () => {
    expect(run(start(), ready).state).toBe('connecting');
    // a sync that started before the channels were ready does not cover the gap
    expect(run(start(), ready, ok(null)).state).toBe('connecting');
    expect(run(start(), ready, ok(0)).state).toBe('connecting');
    expect(run(start(), ready, ok(1)).state).toBe('live');
    expect(run(start(), ok(null), ready, ok(1))).toMatchObject({ state: 'live', realtime: 'ready', api: 'ok', syncsMade: 2 });
  });

  it('channels lost → polling; back → polling until a covering sync → live', () => {
    expect(run(live(), lost)).toMatchObject({ state: 'polling', realtime: 'down', lastError: 'CHANNEL_ERROR' });
    const back = run(live(), lost, ok(null), ready);
    expect(back.state).toBe('polling');
    expect(run(back, ok(1)).state).toBe('polling'); // started under the old readiness
    expect(run(back, ok(back.readyMark))).toMatchObject({ state: 'live', lastError: null, reconnectAttempts: 0 });
  });

  it('REST blip while the channels stay healthy (status 0/502/503/504): offline, then live again after one sync', () => {
    const down = run(live(), unreachable, unreachable);
    expect(down).toMatchObject({ state: 'offline', realtime: 'ready', api: 'unreachable', lastError: 'Cannot reach the server' });
    expect(run(down, ok(down.readyMark))).toMatchObject({ state: 'live', api: 'ok', lastError: null });
  });

  it('API unreachable and channels down: offline; the API back → polling; the channels back → live', () => {
    const both = run(live(), lost, unreachable);
    expect(both.state).toBe('offline');
    const apiBack = run(both, ok(null));
    expect(apiBack.state).toBe('polling');
    const readyAgain = run(apiBack, ready);
    expect(run(readyAgain, ok(readyAgain.readyMark)).state).toBe('live');
  });

  it('a parse error is an error, never offline: it is counted and shown, the state stays', () => {
    const info = run(live(), parseError);
    expect(info).toMatchObject({ state: 'live', api: 'error', rpcErrors: 1, lastError: 'sync: Unexpected value for dashboard_sync.cursor' });
    expect(run(polling(), parseError).state).toBe('polling');
    expect(run(start(), ready, parseError).state).toBe('connecting');
    // the next good answer clears it
    expect(run(info, ok(info.readyMark))).toMatchObject({ state: 'live', api: 'ok', lastError: null, rpcErrors: 1 });
  });

  it(`${SYNC_ERROR_LIMIT} failed syncs in a row (not network) leave live for polling with the reason; one good sync → live`, () => {
    const once = run(live(), parseError, parseError);
    expect(once).toMatchObject({ state: 'live', failedSyncs: 2 });
    const stuck = run(once, parseError);
    expect(stuck).toMatchObject({ state: 'polling', api: 'error', failedSyncs: 3, realtime: 'ready', lastError: 'sync: Unexpected value for dashboard_sync.cursor' });
    expect(run(stuck, parseError, parseError).state).toBe('polling');
    expect(run(stuck, ok(stuck.readyMark))).toMatchObject({ state: 'live', api: 'ok', failedSyncs: 0, lastError: null });
    // a good sync in between starts the count again
    expect(run(live(), parseError, parseError, ok(1), parseError, parseError).state).toBe('live');
    // a network failure is offline, and breaks the run
    expect(run(live(), parseError, parseError, unreachable)).toMatchObject({ state: 'offline', failedSyncs: 0 });
    expect(run(live(), parseError, parseError, unreachable, parseError).state).toBe('live');
    // still before the first covering sync: connecting stays connecting
    expect(run(start(), ready, parseError, parseError, parseError).state).toBe('connecting');
  });

  it('seeded random interleavings: never live after SYNC_ERROR_LIMIT failed syncs in a row, never offline on them', () => {
    const events: ConnectionEvent[] = [ready, lost, ok(null), parseError, unreachable];
    for (let seed = 1; seed <= 50; seed++) {
      const next = mulberry32(seed);
      let info = start();
      let streak = 0;
      for (let i = 0; i < 60; i++) {
        const pick = Math.floor(next() * (events.length + 1));
        const event = pick === events.length ? ok(info.readyMark) : events[pick]!;
        info = connectionReducer(info, event);
        if (event.type === 'sync-failed' && !event.network) streak += 1;
        else if (event.type === 'sync-ok' || event.type === 'sync-failed') streak = 0;
        expect(info.failedSyncs).toBe(streak);
        if (streak >= SYNC_ERROR_LIMIT) expect(info.state).not.toBe('live');
        if (event === parseError) expect(info.state).not.toBe('offline');
      }
    }
  });

  it.each([
    ['connecting', start],
    ['live', live],
    ['polling', polling],
    ['offline', offline],
  ] as const)('pause from %s → paused and deaf; connect → connecting', (_name, from) => {
    const paused = run(from(), { type: 'pause', at });
    expect(paused.state).toBe('paused');
    expect(paused.pollIntervalMs).toBeNull();
    expect(run(paused, ready, ok(paused.readyMark), lost, unreachable).state).toBe('paused');
    expect(connectionReducer(paused, { type: 'connect', at: at + 1 })).toMatchObject({ state: 'connecting', since: at + 1, realtime: 'connecting', api: 'unknown' });
  });

  it('records when the state changed, and only then', () => {
    const p = connectionReducer(live(), { type: 'realtime-lost', at: 10, reason: 'x' });
    expect(p.since).toBe(10);
    expect(connectionReducer(p, { type: 'realtime-lost', at: 20, reason: 'y' }).since).toBe(10);
  });

  it('going live clears the error, the poll interval and the reconnect count', () => {
    const info = run(start(), lost, { type: 'poll-interval', ms: 5000 }, { type: 'reconnect-attempt' }, { type: 'reconnect-attempt' });
    expect(info).toMatchObject({ state: 'polling', reconnectAttempts: 2, pollIntervalMs: 5000 });
    const back = run(info, { type: 'realtime-ready', at: 2000 });
    const l = connectionReducer(back, { type: 'sync-ok', at: 2000, mark: back.readyMark });
    expect(l).toMatchObject({ state: 'live', reconnectAttempts: 0, pollIntervalMs: null, lastError: null, since: 2000 });
  });

  it('counts events, polls, dropped payloads, rpc errors and the commit-to-screen delay', () => {
    const info = run(
      live(),
      { type: 'event-received', at: 7 },
      { type: 'event-received', at: 9, count: 3 },
      { type: 'poll-made' },
      { type: 'payload-dropped' },
      { type: 'payload-dropped', count: 2 },
      { type: 'rpc-error', error: 'feed: boom' },
      { type: 'commit-to-screen', ms: 120 },
    );
    expect(info).toMatchObject({ eventsReceived: 4, lastEventAt: 9, pollsMade: 1, droppedPayloads: 3, rpcErrors: 1, lastError: 'feed: boom', lastCommitToScreenMs: 120 });
  });

  it('reset returns to a fresh connecting state', () => {
    const info = run(live(), { type: 'event-received', at: 1 }, { type: 'reset', at: 99 });
    expect(info).toEqual(initialConnectionInfo(99));
  });
});
