import { createLiveEngine } from './engine';
import { createBrowserEnvironment } from './environment';
import { leaderEnvironment } from './tabs/leader-environment';
import { useConnectionStore } from './stores/connection-store';
import { useDashboardStore } from './stores/dashboard-store';
import { useSessionStore } from './stores/session-store';
import { createTabsCoordinator } from './tabs/tab-coordinator';
import { detectTabsPlatform, tabsClockOf } from './tabs/tab-ports';
import type { LiveAppDeps, Mounted } from './mount-types';
import { transportFor } from './transport/transport-for';
import type { ViewStores } from './stores/store-types';

// The engine, the tabs' coordination and realtime's use of them are loaded apart from the first
// page (use-live-engine.ts imports this module lazily, and main.tsx starts that import at boot,
// beside the session check): the first load stays within its budget as the engine grows.

/** The tabs coordinator when the browser can share a connection, else this tab's own engine. */
export function mountLive(deps: LiveAppDeps): Mounted {
  const stores: ViewStores = {
    dashboard: deps.stores?.dashboard ?? useDashboardStore,
    connection: deps.stores?.connection ?? useConnectionStore,
    session: deps.stores?.session ?? useSessionStore,
  };
  const platform = deps.tabs ? (deps.tabs.platform === undefined ? detectTabsPlatform() : deps.tabs.platform) : null;
  const engineDeps = { ...deps, transportFor };
  if (!deps.tabs || !platform) return createLiveEngine({ ...engineDeps, stores });
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
      createLiveEngine({ ...engineDeps, env: leaderEnvironment(env, visibility), stores: engineStores, options: { ...deps.options, revenueRange } }),
  });
}
