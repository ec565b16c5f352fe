import type { ReactNode } from 'react';
import { getSupabaseClient } from '@/lib/supabase';
import { useLiveEngine, type LiveEngineDeps } from '@/live';
import { liveApi } from './live-api';

// A stable factory: the engine (and the Supabase client) are created once, on mount, in the browser.
const liveDeps = (): LiveEngineDeps => ({ client: getSupabaseClient(), api: liveApi });

/** Mounts the live engine once for the whole app; everything below reads its stores. */
export function AppProvider({ children }: { children: ReactNode }) {
  useLiveEngine(liveDeps);
  return <>{children}</>;
}
