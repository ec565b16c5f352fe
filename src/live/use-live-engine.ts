import { useEffect } from 'react';
import { createLiveEngine, type LiveEngine, type LiveEngineDeps } from './engine';
import type { LiveCommands } from './types';

let active: LiveEngine | null = null;

const NOT_MOUNTED = 'The dashboard is still starting. Try again in a moment.';

/** Stable command object: forwards to the engine mounted by useLiveEngine (no-ops before that). */
const commands: LiveCommands = {
  pause: () => active?.pause(),
  resume: () => active?.resume(),
  setRevenueRange: (range) => active?.setRevenueRange(range),
  loadOlderActivity: () => active?.loadOlderActivity(),
  retry: (part) => active?.retry(part),
  signIn: (email, password) => (active ? active.signIn(email, password) : Promise.resolve({ error: NOT_MOUNTED })),
  signOut: () => (active ? active.signOut() : Promise.resolve()),
};

/**
 * Mounts the live engine once (in src/app/provider.tsx). Pass a stable value: module-level deps, or
 * a factory called on mount (so the Supabase client is created only in the browser).
 */
export function useLiveEngine(deps: LiveEngineDeps | (() => LiveEngineDeps)): void {
  useEffect(() => {
    const engine = createLiveEngine(typeof deps === 'function' ? deps() : deps);
    active = engine;
    engine.start();
    return () => {
      if (active === engine) active = null;
      engine.stop();
    };
  }, [deps]);
}

/** pause/resume/setRevenueRange/loadOlderActivity/retry/signIn/signOut for components. */
export function useLiveCommands(): LiveCommands {
  return commands;
}
