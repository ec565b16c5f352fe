import { toAuthApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { SessionInfo } from '@/live/types';

export async function signInWithPassword(
  client: AppSupabaseClient,
  params: { email: string; password: string },
): Promise<SessionInfo> {
  const { data, error } = await client.auth.signInWithPassword(params);
  if (error) throw toAuthApiError(error);
  if (!data.session) throw new Error('Sign-in returned no session');
  return { accessToken: data.session.access_token, expiresAt: data.session.expires_at ?? null };
}
