import { requireArray, requireInt, requireObject, requireString, requireTimestamp, toIntOrNull } from '@/lib/parse';
import type { Loadable, TicketAging, TicketStatusCount } from '@/live/types';
import type { ActiveTicketStatus, TicketAgingRow, TicketAgingSummary } from '../types';

export const ACTIVE_TICKET_STATUSES: readonly ActiveTicketStatus[] = ['open', 'in_progress', 'waiting_parts', 'ready'];

function parseRow(value: unknown, i: number): TicketAgingRow {
  const o = requireObject(value, `ticket_aging.active[${i}]`);
  const status = requireString(o.status, `ticket_aging.active[${i}].status`);
  if (!(ACTIVE_TICKET_STATUSES as readonly string[]).includes(status)) {
    throw new TypeError(`Unexpected value for ticket_aging.active[${i}].status: ${status}`);
  }
  const oldest = o.oldest_created_at;
  return {
    status: status as ActiveTicketStatus,
    count: requireInt(o.count, `ticket_aging.active[${i}].count`),
    urgent: requireInt(o.urgent, `ticket_aging.active[${i}].urgent`),
    high: requireInt(o.high, `ticket_aging.active[${i}].high`),
    oldestCreatedAt: oldest === null || oldest === undefined ? null : requireTimestamp(oldest, `ticket_aging.active[${i}].oldest_created_at`),
    oldestSeconds: toIntOrNull(o.oldest_seconds, `ticket_aging.active[${i}].oldest_seconds`),
  };
}

/**
 * dashboard_sync's `ticket_aging` jsonb → TicketAging. Statuses come back in workflow order
 * whatever order the server used; a missing status counts as zero tickets.
 */
export function parseTicketAging(data: unknown): TicketAgingSummary {
  const o = requireObject(data, 'ticket_aging');
  const rows = requireArray(o.active, 'ticket_aging.active').map(parseRow);
  const byStatus = new Map(rows.map((r) => [r.status, r]));
  const done = requireObject(o.done_30d, 'ticket_aging.done_30d');
  return {
    active: ACTIVE_TICKET_STATUSES.map(
      (status) => byStatus.get(status) ?? { status, count: 0, urgent: 0, high: 0, oldestCreatedAt: null, oldestSeconds: null },
    ),
    done30d: {
      closed: requireInt(done.closed, 'ticket_aging.done_30d.closed'),
      cancelled: requireInt(done.cancelled, 'ticket_aging.done_30d.cancelled'),
    },
  };
}

/**
 * The card's state from the store: the engine passes `ticket_aging` through untouched (null until
 * a sync brought it) and reports that sync's health on `ticketStatus`, which comes in the same answer.
 */
export function toTicketAgingLoadable(raw: TicketAging, sync: Loadable<TicketStatusCount[]>): Loadable<TicketAgingSummary> {
  if (raw === null) return { status: sync.status === 'error' ? 'error' : 'loading', data: null, error: sync.error };
  try {
    return { status: 'ready', data: parseTicketAging(raw), error: sync.error };
  } catch (e) {
    return { status: 'error', data: null, error: e instanceof Error ? e.message : 'Unreadable ticket aging' };
  }
}
