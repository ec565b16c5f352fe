import type { ActivityItem } from '@/live/types';
import { newestId } from './filter-activity';
import { newTicketsSince } from './ticket-alerts';

/**
 * New-ticket alerts. Invariant: `seenId` is an id of the log `epoch`, the newest one already
 * accounted for; an alert is only ever raised for a `ticket_created` row of that same epoch with a
 * higher id, once. Another epoch (the log truncated or restored) is a new baseline: what its first
 * view holds is not news, and what arrives after it is, even with ids lower than before.
 */
export interface AlertsState {
  enabled: boolean;
  epoch: string | null;
  seenId: number;
}

export type AlertsEvent =
  | { type: 'enable'; epoch: string | null; items: readonly ActivityItem[] }
  | { type: 'disable' }
  | { type: 'feed'; epoch: string | null; items: readonly ActivityItem[] };

export const ALERTS_OFF: AlertsState = { enabled: false, epoch: null, seenId: 0 };

/** The next state, and the tickets to alert about (oldest first). */
export function alertsStep(state: AlertsState, event: AlertsEvent): { state: AlertsState; fresh: ActivityItem[] } {
  switch (event.type) {
    case 'enable':
      return { state: { enabled: true, epoch: event.epoch, seenId: newestId(event.items) }, fresh: [] };
    case 'disable':
      return { state: ALERTS_OFF, fresh: [] };
    case 'feed': {
      if (!state.enabled) return { state, fresh: [] };
      if (event.epoch !== state.epoch) return { state: { enabled: true, epoch: event.epoch, seenId: newestId(event.items) }, fresh: [] };
      const fresh = newTicketsSince(event.items, state.seenId);
      if (fresh.length === 0) return { state, fresh };
      return { state: { ...state, seenId: Math.max(state.seenId, newestId(event.items)) }, fresh };
    }
  }
}
