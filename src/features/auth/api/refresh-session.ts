import { toAuthApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { SessionInfo } from '@/live/types';

/** Forces a refresh-token grant. Throws ApiError: status 0 = unreachable, otherwise the session is gone. */
export async function refreshSession(client: AppSupabaseClient): Promise<SessionInfo> {
  const { data, error } = await client.auth.refreshSession();
  if (error) throw toAuthApiError(error);
  if (!data.session) throw toAuthApiError({ message: 'No session to refresh', status: 401, code: 'session_missing' });
  return { accessToken: data.session.access_token, expiresAt: data.session.expires_at ?? null };
}
