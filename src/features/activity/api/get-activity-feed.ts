import { toApiError } from '@/lib/api-error';
import { parseActivityFeed } from '@/lib/parse-activity';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { ActivityPage } from '@/live/types';

export { parseActivityFeed, parseActivityRow } from '@/lib/parse-activity';

export interface GetActivityFeedParams {
  limit: number;
  /** ids > after, oldest first (catch-up). */
  after?: number;
  /** ids < before, newest first (older pages). */
  before?: number;
}

export async function getActivityFeed(client: AppSupabaseClient, params: GetActivityFeedParams): Promise<ActivityPage> {
  const args: { p_limit: number; p_after?: number; p_before?: number } = { p_limit: params.limit };
  if (params.after !== undefined) args.p_after = params.after;
  if (params.before !== undefined) args.p_before = params.before;
  const { data, error, status } = await client.rpc('activity_feed', args);
  if (error) throw toApiError(error, status);
  return parseActivityFeed(data);
}
