import type { ReactNode } from 'react';
import { getEnv } from '@/config/env';
import { getSupabaseClient } from '@/lib/supabase';
import { useLiveEngine, type LiveAppDeps } from '@/live';
import { liveApi } from './live-api';

// A stable factory: the engine (and the Supabase client) are created once, on mount, in the browser.
// The tabs of one browser share one engine (one realtime connection) per project and user.
const liveDeps = (): LiveAppDeps => ({
  client: getSupabaseClient(),
  api: liveApi,
  tabs: { projectUrl: getEnv().supabaseUrl },
  options: { transport: getEnv().liveTransport },
});

/** Mounts the live module once for the whole app; everything below reads its stores. */
export function AppProvider({ children }: { children: ReactNode }) {
  useLiveEngine(liveDeps);
  return <>{children}</>;
}
