import { useEffect } from 'react';
import type { LiveAppDeps, LiveMount, Mounted } from './mount-types';
import { useSessionStore } from './stores/session-store';
import type { LiveCommands } from './types';

export type { LiveAppDeps } from './mount-types';

let active: Mounted | null = null;

const NOT_MOUNTED = 'The dashboard is still starting. Try again in a moment.';
export const LIVE_LOAD_FAILED = 'The dashboard could not load. Check your connection and reload the page.';

/** Stable command object: forwards to what useLiveEngine mounted (no-ops before that). */
const commands: LiveCommands = {
  pause: () => active?.pause(),
  resume: () => active?.resume(),
  setRevenueRange: (range) => active?.setRevenueRange(range),
  loadOlderActivity: () => active?.loadOlderActivity(),
  retry: (part) => active?.retry(part),
  signIn: (email, password) => (active ? active.signIn(email, password) : Promise.resolve({ error: NOT_MOUNTED })),
  signOut: () => (active ? active.signOut() : Promise.resolve()),
};

let loading: Promise<LiveMount> | null = null;

/**
 * The live module's code (engine, tabs, realtime) as its own chunk: main.tsx calls this at boot so
 * it downloads beside the first page instead of after it. A failed download is tried again on the
 * next call.
 */
export function preloadLive(): Promise<LiveMount> {
  loading ??= import('./mount-live').catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * Mounts the live module once (in src/app/provider.tsx). Pass a stable value: module-level deps, or
 * a factory called on mount (so the Supabase client is created only in the browser).
 */
export function useLiveEngine(deps: LiveAppDeps | (() => LiveAppDeps)): void {
  useEffect(() => {
    let mounted: Mounted | null = null;
    let unmounted = false;
    void preloadLive().then(
      ({ mountLive }) => {
        if (unmounted) return;
        mounted = mountLive(typeof deps === 'function' ? deps() : deps);
        active = mounted;
        mounted.start();
      },
      (error: unknown) => {
        // the chunk could not be fetched (offline at boot, a deploy removed it): say so, do not hang
        console.error('The live dashboard could not load', error);
        if (!unmounted) useSessionStore.getState().signedOut(LIVE_LOAD_FAILED);
      },
    );
    return () => {
      unmounted = true;
      if (mounted === null) return;
      if (active === mounted) active = null;
      mounted.stop();
    };
  }, [deps]);
}

/** pause/resume/setRevenueRange/loadOlderActivity/retry/signIn/signOut for components. */
export function useLiveCommands(): LiveCommands {
  return commands;
}
