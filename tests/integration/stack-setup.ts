import { createClient } from '@supabase/supabase-js';
import type { SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Stack, StackOptions } from '../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../support/db-snapshot.ts';
import { ANON_KEY, SECRET_KEY } from '../../local-supabase/auth/keys.ts';

export const ADMIN = { email: 'admin@example.com', password: 'password123' };
export const SUPPORT = { email: 'support@example.com', password: 'password123' };

/** A stack in this process: PGlite in memory, or the PostgreSQL server in DATABASE_URL. */
export function startTestStack(opts: StackOptions = {}): Promise<Stack> {
  return startStackFromSnapshot({
    port: 0,
    memory: true,
    databaseUrl: process.env.DATABASE_URL || undefined,
    refreshReuseIntervalSec: 0,
    ...opts,
  });
}

/** The real supabase-js, as the dashboard creates it (Node 20 needs ws for realtime). */
export function client(stack: Stack, key: string = ANON_KEY): SupabaseClient {
  return createClient(stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // ws's constructor type differs from the DOM one realtime-js declares; it is the documented Node transport.
    realtime: { transport: WebSocket as never },
  });
}

export function serviceClient(stack: Stack): SupabaseClient {
  return client(stack, SECRET_KEY);
}

export async function signedIn(stack: Stack, who: { email: string; password: string }): Promise<SupabaseClient> {
  const sb = client(stack);
  const { error } = await sb.auth.signInWithPassword(who);
  if (error) throw error;
  return sb;
}
