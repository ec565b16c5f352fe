import type { ConnectionInfo, ConnectionState } from './types';

/** Everything that can happen to the connection; the reducer below is the only place state changes. */
export type ConnectionEvent =
  /** start, resume, or signed in: (re)subscribing, nothing shown live yet */
  | { type: 'connect'; at: number }
  /** channel error / timeout / close, system error, socket drop, ready timeout, browser offline */
  | { type: 'realtime-lost'; at: number; reason: string }
  /** a catch-up or poll was applied; `realtimeReady` = every channel subscribed and CDC confirmed */
  | { type: 'caught-up'; at: number; realtimeReady: boolean }
  /** a request could not reach the server at all */
  | { type: 'unreachable'; at: number; error: string }
  | { type: 'pause'; at: number }
  | { type: 'reconnect-attempt' }
  | { type: 'poll-made' }
  | { type: 'poll-interval'; ms: number | null }
  | { type: 'event-received'; at: number; count?: number }
  | { type: 'payload-dropped'; count?: number }
  | { type: 'rpc-error'; error: string }
  | { type: 'commit-to-screen'; ms: number }
  | { type: 'reset'; at: number };

/** Folds repeated counter events so a burst of payloads queues one item, not thousands. */
export function mergeConnectionEvents(last: ConnectionEvent, next: ConnectionEvent): ConnectionEvent | null {
  if (last.type === 'event-received' && next.type === 'event-received') {
    return { type: 'event-received', at: next.at, count: (last.count ?? 1) + (next.count ?? 1) };
  }
  if (last.type === 'payload-dropped' && next.type === 'payload-dropped') {
    return { type: 'payload-dropped', count: (last.count ?? 1) + (next.count ?? 1) };
  }
  return null;
}

export function initialConnectionInfo(now: number): ConnectionInfo {
  return {
    state: 'connecting',
    since: now,
    lastEventAt: null,
    reconnectAttempts: 0,
    eventsReceived: 0,
    pollsMade: 0,
    pollIntervalMs: null,
    lastCommitToScreenMs: null,
    droppedPayloads: 0,
    rpcErrors: 0,
    lastError: null,
  };
}

function moveTo(info: ConnectionInfo, state: ConnectionState, at: number): ConnectionInfo {
  if (info.state === state) return info;
  const next: ConnectionInfo = { ...info, state, since: at };
  if (state === 'live' || state === 'paused' || state === 'connecting') next.pollIntervalMs = null;
  if (state === 'live') {
    next.reconnectAttempts = 0;
    next.lastError = null;
  }
  return next;
}

export function connectionReducer(info: ConnectionInfo, event: ConnectionEvent): ConnectionInfo {
  switch (event.type) {
    case 'connect':
      return moveTo(info, 'connecting', event.at);
    case 'pause':
      return moveTo(info, 'paused', event.at);
    case 'reset':
      return initialConnectionInfo(event.at);
    case 'realtime-lost': {
      if (info.state === 'paused') return info;
      const withError = { ...info, lastError: event.reason };
      // offline stays offline until a request gets through
      return info.state === 'offline' ? withError : moveTo(withError, 'polling', event.at);
    }
    case 'caught-up': {
      if (info.state === 'paused') return info;
      if (event.realtimeReady) return moveTo(info, 'live', event.at);
      return info.state === 'offline' ? moveTo(info, 'polling', event.at) : info;
    }
    case 'unreachable':
      if (info.state === 'paused') return info;
      return moveTo({ ...info, lastError: event.error }, 'offline', event.at);
    case 'reconnect-attempt':
      return { ...info, reconnectAttempts: info.reconnectAttempts + 1 };
    case 'poll-made':
      return { ...info, pollsMade: info.pollsMade + 1 };
    case 'poll-interval':
      return info.pollIntervalMs === event.ms ? info : { ...info, pollIntervalMs: event.ms };
    case 'event-received':
      return { ...info, eventsReceived: info.eventsReceived + (event.count ?? 1), lastEventAt: event.at };
    case 'payload-dropped':
      return { ...info, droppedPayloads: info.droppedPayloads + (event.count ?? 1) };
    case 'rpc-error':
      return { ...info, rpcErrors: info.rpcErrors + 1, lastError: event.error };
    case 'commit-to-screen':
      return { ...info, lastCommitToScreenMs: Math.max(0, event.ms) };
  }
}
