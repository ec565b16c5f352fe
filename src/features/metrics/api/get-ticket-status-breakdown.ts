import { toApiError } from '@/lib/api-error';
import { requireArray, requireInt, requireObject, requireString } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { TicketStatusCount } from '@/live/types';

export function parseTicketStatusBreakdown(data: unknown): TicketStatusCount[] {
  return requireArray(data, 'ticket_status_breakdown').map((row, i) => {
    const o = requireObject(row, `ticket_status_breakdown[${i}]`);
    return { status: requireString(o.status, 'status'), count: requireInt(o.count, 'count') };
  });
}

export async function getTicketStatusBreakdown(client: AppSupabaseClient): Promise<TicketStatusCount[]> {
  const { data, error, status } = await client.rpc('ticket_status_breakdown');
  if (error) throw toApiError(error, status);
  return parseTicketStatusBreakdown(data);
}
