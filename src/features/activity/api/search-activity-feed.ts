import { toApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { ActivityPage } from '@/live/types';
import type { Database } from '@/types/database';
import type { ActivityFilter } from '../types';
import { parseActivityFeed } from './get-activity-feed';

type ActivityFeedArgs = Database['public']['Functions']['activity_feed']['Args'];

export interface SearchActivityFeedParams {
  filter: ActivityFilter;
  limit: number;
  /** ids < before, newest first (older pages) */
  before?: number;
}

/** activity_feed's arguments for a filter: an empty part is left out, which the RPC reads as "no filter". */
export function toSearchArgs({ filter, limit, before }: SearchActivityFeedParams): ActivityFeedArgs {
  const args: ActivityFeedArgs = { p_limit: limit };
  if (before !== undefined) args.p_before = before;
  if (filter.q !== '') args.p_query = filter.q;
  if (filter.kind) args.p_types = [filter.kind];
  if (filter.status) args.p_ticket_status = [filter.status];
  if (filter.priority) args.p_ticket_priority = [filter.priority];
  return args;
}

/** The server's answer to a search of the activity log (same rows and role rules as the live feed). */
export async function searchActivityFeed(client: AppSupabaseClient, params: SearchActivityFeedParams): Promise<ActivityPage> {
  const { data, error, status } = await client.rpc('activity_feed', toSearchArgs(params));
  if (error) throw toApiError(error, status);
  return parseActivityFeed(data);
}
