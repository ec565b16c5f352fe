import { useEffect } from 'react';
import { createLiveEngine, type LiveEngineDeps } from './engine';
import { createBrowserEnvironment } from './environment';
import { leaderEnvironment } from './tabs/leader-environment';
import { useConnectionStore } from './stores/connection-store';
import { useDashboardStore } from './stores/dashboard-store';
import { useSessionStore } from './stores/session-store';
import { createTabsCoordinator } from './tabs/tab-coordinator';
import { detectTabsPlatform, tabsClockOf, type TabsPlatform } from './tabs/tab-ports';
import type { ViewStores } from './tabs/tab-view';
import type { LiveCommands } from './types';

export interface LiveAppDeps extends LiveEngineDeps {
  /**
   * Share one engine between the tabs of this browser (per project URL and user). Without it, or
   * where Web Locks or BroadcastChannel are missing, every tab runs its own engine.
   */
  tabs?: { projectUrl: string; platform?: TabsPlatform | null };
}

interface Mounted extends LiveCommands {
  start(): void;
  stop(): void;
}

let active: Mounted | null = null;

const NOT_MOUNTED = 'The dashboard is still starting. Try again in a moment.';

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

/** The tabs coordinator when the browser can share a connection, else this tab's own engine. */
export function mountLive(deps: LiveAppDeps): Mounted {
  const stores: ViewStores = {
    dashboard: deps.stores?.dashboard ?? useDashboardStore,
    connection: deps.stores?.connection ?? useConnectionStore,
    session: deps.stores?.session ?? useSessionStore,
  };
  const platform = deps.tabs ? (deps.tabs.platform === undefined ? detectTabsPlatform() : deps.tabs.platform) : null;
  if (!deps.tabs || !platform) return createLiveEngine({ ...deps, stores });
  const { projectUrl } = deps.tabs;
  const env = deps.env ?? createBrowserEnvironment();
  return createTabsCoordinator({
    client: deps.client,
    api: deps.api,
    platform,
    clock: tabsClockOf(env),
    projectUrl,
    stores,
    visibility: env,
    createEngine: (engineStores, revenueRange, visibility) =>
      createLiveEngine({ ...deps, env: leaderEnvironment(env, visibility), stores: engineStores, options: { ...deps.options, revenueRange } }),
  });
}

/**
 * Mounts the live module once (in src/app/provider.tsx). Pass a stable value: module-level deps, or
 * a factory called on mount (so the Supabase client is created only in the browser).
 */
export function useLiveEngine(deps: LiveAppDeps | (() => LiveAppDeps)): void {
  useEffect(() => {
    const mounted = mountLive(typeof deps === 'function' ? deps() : deps);
    active = mounted;
    mounted.start();
    return () => {
      if (active === mounted) active = null;
      mounted.stop();
    };
  }, [deps]);
}

/** pause/resume/setRevenueRange/loadOlderActivity/retry/signIn/signOut for components. */
export function useLiveCommands(): LiveCommands {
  return commands;
}
