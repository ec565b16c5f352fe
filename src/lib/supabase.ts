import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { getEnv } from '@/config/env';
import type { Database } from '@/types/database';

export type AppSupabaseClient = SupabaseClient<Database>;

/** The only createClient<Database>() in src/. Tests pass their own URL/key (e.g. the local stack's). */
export function createSupabaseClient(
  url: string,
  anonKey: string,
  options?: SupabaseClientOptions<'public'>,
): AppSupabaseClient {
  return createClient<Database>(url, anonKey, options);
}

let browserClient: AppSupabaseClient | null = null;

/** The app's client, created on first use from VITE_SUPABASE_URL / VITE_SUPABASE_ANON_KEY. */
export function getSupabaseClient(): AppSupabaseClient {
  if (!browserClient) {
    const env = getEnv();
    browserClient = createSupabaseClient(env.supabaseUrl, env.supabaseAnonKey);
  }
  return browserClient;
}
