import type { AppSupabaseClient } from '@/lib/supabase';

/** Local sign-out always succeeds: the stored session is removed even if the server is unreachable. */
export async function signOut(client: AppSupabaseClient): Promise<void> {
  await client.auth.signOut({ scope: 'local' });
}
