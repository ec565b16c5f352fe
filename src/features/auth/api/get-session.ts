import { toAuthApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { SessionInfo } from '@/live/types';

/** The stored session (auth-js refreshes it first when it is about to expire); null when signed out. */
export async function getSession(client: AppSupabaseClient): Promise<SessionInfo | null> {
  const { data, error } = await client.auth.getSession();
  if (error) throw toAuthApiError(error);
  const session = data.session;
  return session ? { accessToken: session.access_token, expiresAt: session.expires_at ?? null } : null;
}
