import type { ConnectionEvent, ConnectionState, LiveConnection } from './types';

// Everything that can happen to the connection (`ConnectionEvent`, types.ts); the reducer below is
// the only place state changes. Realtime health (the channels) and API reachability (the sync
// calls) are kept apart; the state shown is derived from both.

/**
 * Consecutive failed syncs (reachable server, refused or malformed answer) after which the state
 * leaves live: the view is no longer kept current, whatever the channels say. It shows polling
 * with the error as its reason (the poller keeps retrying) and returns to live by itself on the
 * first sync that succeeds while the channels are ready. Never offline: the server answered.
 */
export const SYNC_ERROR_LIMIT = 3;

export function initialConnectionInfo(now: number): LiveConnection {
  return {
    state: 'connecting',
    since: now,
    realtime: 'connecting',
    api: 'unknown',
    readyMark: 0,
    coveredMark: -1,
    syncsMade: 0,
    failedSyncs: 0,
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

/**
 * The state shown, from the two healths: unreachable API → offline; SYNC_ERROR_LIMIT syncs in a
 * row refused or malformed → polling (lastError says why); channels ready and a sync
 * started since then succeeded → live; channels down → polling; otherwise unchanged (connecting
 * stays connecting until the first covering sync, a reconnect waits in polling).
 */
export function deriveState(info: LiveConnection): ConnectionState {
  if (info.state === 'paused') return 'paused';
  if (info.api === 'unreachable') return 'offline';
  if (info.api === 'error' && info.failedSyncs >= SYNC_ERROR_LIMIT) return info.state === 'connecting' ? 'connecting' : 'polling';
  if (info.realtime === 'ready' && info.coveredMark === info.readyMark) return 'live';
  if (info.realtime === 'down') return 'polling';
  return info.state === 'connecting' ? 'connecting' : 'polling';
}

function moveTo(info: LiveConnection, state: ConnectionState, at: number): LiveConnection {
  if (info.state === state) return info;
  const next: LiveConnection = { ...info, state, since: at };
  if (state === 'live' || state === 'paused' || state === 'connecting') next.pollIntervalMs = null;
  if (state === 'live') {
    next.reconnectAttempts = 0;
    next.lastError = null;
  }
  return next;
}

const settle = (info: LiveConnection, at: number) => moveTo(info, deriveState(info), at);

export function connectionReducer(info: LiveConnection, event: ConnectionEvent): LiveConnection {
  switch (event.type) {
    case 'connect':
      return moveTo({ ...info, realtime: 'connecting', api: 'unknown', coveredMark: -1, failedSyncs: 0 }, 'connecting', event.at);
    case 'pause':
      return moveTo(info, 'paused', event.at);
    case 'reset':
      return initialConnectionInfo(event.at);
    case 'realtime-ready':
      if (info.state === 'paused') return info;
      return settle({ ...info, realtime: 'ready', readyMark: info.readyMark + 1 }, event.at);
    case 'realtime-lost':
      if (info.state === 'paused') return info;
      return settle({ ...info, realtime: 'down', lastError: event.reason }, event.at);
    case 'sync-ok': {
      if (info.state === 'paused') return info;
      const covered = info.realtime === 'ready' && event.mark === info.readyMark;
      const next = { ...info, api: 'ok' as const, failedSyncs: 0, syncsMade: info.syncsMade + 1, coveredMark: covered && event.mark !== null ? event.mark : info.coveredMark };
      // a failed sync's message goes once the API answers again
      if (info.api !== 'ok' && info.realtime !== 'down') next.lastError = null;
      return settle(next, event.at);
    }
    case 'sync-failed': {
      if (info.state === 'paused') return info;
      const next: LiveConnection = event.network
        ? { ...info, api: 'unreachable', failedSyncs: 0, lastError: event.error }
        : { ...info, api: 'error', failedSyncs: info.failedSyncs + 1, rpcErrors: info.rpcErrors + 1, lastError: event.error };
      return settle(next, event.at);
    }
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
