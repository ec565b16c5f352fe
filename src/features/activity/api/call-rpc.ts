import { toApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';

type LooseRpc = (
  fn: string,
  args: Record<string, unknown>,
) => PromiseLike<{ data: unknown; error: { message?: unknown; code?: unknown } | null; status: number }>;

/**
 * An RPC whose arguments are newer than the generated types can say (activity_feed's filters,
 * entity_detail): the answer is `unknown` and is parsed by the caller, so nothing untyped leaks.
 * Throws ApiError on Supabase's `{ error }`.
 */
export async function callRpc(client: AppSupabaseClient, fn: string, args: Record<string, unknown>): Promise<unknown> {
  const rpc = client.rpc as unknown as LooseRpc;
  const { data, error, status } = await rpc.call(client, fn, args);
  if (error) throw toApiError(error, status);
  return data;
}
