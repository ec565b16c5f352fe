import { numberFormat } from '@/lib/intl-formats';
import type { ConnectionInfo, ConnectionState } from '@/live/types';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting',
  live: 'Live',
  polling: 'Polling',
  offline: 'Offline',
  paused: 'Paused',
};

export function formatSeconds(ms: number, locale?: string): string {
  return numberFormat(locale, { maximumFractionDigits: 1 }).format(ms / 1000);
}

/** "Live", "Polling (every 5 s)" … */
export function toStatusLabel(info: Pick<ConnectionInfo, 'state' | 'pollIntervalMs'>, locale?: string): string {
  const label = LABELS[info.state] ?? 'Connecting';
  if (info.state === 'polling' && info.pollIntervalMs) return `${label} (every ${formatSeconds(info.pollIntervalMs, locale)} s)`;
  return label;
}

export function describeState(state: ConnectionState): string {
  switch (state) {
    case 'live':
      return 'Changes arrive over the realtime connection as they happen.';
    case 'polling':
      return 'The realtime connection is down; the dashboard refreshes on a timer until it is back.';
    case 'offline':
      return 'No connection to the server. Values shown may be out of date.';
    case 'paused':
      return 'Live updates are paused. Resume to catch up.';
    default:
      return 'Connecting to the server…';
  }
}

export function formatDelay(ms: number | null, locale?: string): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${numberFormat(locale, { maximumFractionDigits: 0 }).format(ms)} ms`;
  return `${formatSeconds(ms, locale)} s`;
}
