import { requireArray, requireInt, requireObject, requireString } from '@/lib/parse';
import type { TicketStatusCount } from '@/live/types';

export function parseTicketStatusBreakdown(data: unknown): TicketStatusCount[] {
  return requireArray(data, 'ticket_status_breakdown').map((row, i) => {
    const o = requireObject(row, `ticket_status_breakdown[${i}]`);
    return { status: requireString(o.status, 'status'), count: requireInt(o.count, 'count') };
  });
}

