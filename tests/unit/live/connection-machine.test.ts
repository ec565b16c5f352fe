import { describe, expect, it } from 'vitest';
import { connectionReducer, initialConnectionInfo, mergeConnectionEvents, type ConnectionEvent } from '@/live/connection-machine';
import type { ConnectionInfo, ConnectionState } from '@/live/types';

const at = 1_000;
function inState(state: ConnectionState): ConnectionInfo {
  return { ...initialConnectionInfo(0), state, pollIntervalMs: state === 'polling' || state === 'offline' ? 5000 : null };
}
const run = (info: ConnectionInfo, ...events: ConnectionEvent[]) => events.reduce(connectionReducer, info);

describe('connection state machine', () => {
  it('starts connecting with all counters at zero', () => {
    const info = initialConnectionInfo(5);
    expect(info).toMatchObject({ state: 'connecting', since: 5, eventsReceived: 0, pollsMade: 0, rpcErrors: 0, lastError: null });
  });

  it.each([
    ['connecting', 'polling'],
    ['live', 'polling'],
    ['polling', 'polling'],
    ['offline', 'offline'],
    ['paused', 'paused'],
  ] as const)('realtime-lost: %s → %s', (from, to) => {
    const next = connectionReducer(inState(from), { type: 'realtime-lost', at, reason: 'CLOSED' });
    expect(next.state).toBe(to);
    if (from !== 'paused') expect(next.lastError).toBe('CLOSED');
  });

  it.each([
    ['connecting', true, 'live'],
    ['polling', true, 'live'],
    ['offline', true, 'live'],
    ['connecting', false, 'connecting'],
    ['polling', false, 'polling'],
    ['offline', false, 'polling'],
    ['live', true, 'live'],
    ['paused', true, 'paused'],
  ] as const)('caught-up from %s with realtime ready=%s → %s', (from, ready, to) => {
    expect(connectionReducer(inState(from), { type: 'caught-up', at, realtimeReady: ready }).state).toBe(to);
  });

  it.each([
    ['connecting', 'offline'],
    ['live', 'offline'],
    ['polling', 'offline'],
    ['offline', 'offline'],
    ['paused', 'paused'],
  ] as const)('unreachable: %s → %s', (from, to) => {
    expect(connectionReducer(inState(from), { type: 'unreachable', at, error: 'down' }).state).toBe(to);
  });

  it.each(['connecting', 'live', 'polling', 'offline', 'paused'] as const)('pause from %s → paused, connect → connecting', (from) => {
    const paused = connectionReducer(inState(from), { type: 'pause', at });
    expect(paused.state).toBe('paused');
    expect(paused.pollIntervalMs).toBeNull();
    expect(connectionReducer(paused, { type: 'connect', at: at + 1 })).toMatchObject({ state: 'connecting', since: at + 1 });
  });

  it('records when the state changed, and only then', () => {
    const polling = connectionReducer(inState('live'), { type: 'realtime-lost', at: 10, reason: 'x' });
    expect(polling.since).toBe(10);
    expect(connectionReducer(polling, { type: 'realtime-lost', at: 20, reason: 'y' }).since).toBe(10);
  });

  it('going live clears the error, the poll interval and the reconnect count', () => {
    const info = run(
      inState('connecting'),
      { type: 'realtime-lost', at, reason: 'CHANNEL_ERROR' },
      { type: 'poll-interval', ms: 5000 },
      { type: 'reconnect-attempt' },
      { type: 'reconnect-attempt' },
    );
    expect(info).toMatchObject({ state: 'polling', reconnectAttempts: 2, pollIntervalMs: 5000 });
    const live = connectionReducer(info, { type: 'caught-up', at: 2000, realtimeReady: true });
    expect(live).toMatchObject({ state: 'live', reconnectAttempts: 0, pollIntervalMs: null, lastError: null, since: 2000 });
  });

  it('counts events, polls, dropped payloads, rpc errors and the commit-to-screen delay', () => {
    const info = run(
      inState('live'),
      { type: 'event-received', at: 7 },
      { type: 'event-received', at: 9, count: 3 },
      { type: 'poll-made' },
      { type: 'payload-dropped' },
      { type: 'payload-dropped', count: 2 },
      { type: 'rpc-error', error: 'kpis: boom' },
      { type: 'commit-to-screen', ms: 120 },
    );
    expect(info).toMatchObject({ eventsReceived: 4, lastEventAt: 9, pollsMade: 1, droppedPayloads: 3, rpcErrors: 1, lastError: 'kpis: boom', lastCommitToScreenMs: 120 });
  });

  it('reset returns to a fresh connecting state', () => {
    const info = run(inState('live'), { type: 'event-received', at: 1 }, { type: 'reset', at: 99 });
    expect(info).toEqual(initialConnectionInfo(99));
  });

  it('merges bursts of counter events', () => {
    expect(mergeConnectionEvents({ type: 'event-received', at: 1 }, { type: 'event-received', at: 2 })).toEqual({ type: 'event-received', at: 2, count: 2 });
    expect(mergeConnectionEvents({ type: 'payload-dropped' }, { type: 'payload-dropped', count: 4 })).toEqual({ type: 'payload-dropped', count: 5 });
    expect(mergeConnectionEvents({ type: 'event-received', at: 1 }, { type: 'poll-made' })).toBeNull();
  });
});
