import type { LiveEngineDeps } from './engine-interface';
import type { ViewStores } from './stores/store-types';
import type { TabsPlatform } from './tabs/tab-ports';
import type { LiveCommands } from './types';

// What mount-live.ts takes and gives, apart from it: use-live-engine.ts loads mount-live.ts lazily
// and stands on these types alone.

/** The engine's dependencies but the transports, which mount-live.ts wires in itself. */
export interface LiveAppDeps extends Omit<LiveEngineDeps, 'transportFor' | 'stores'> {
  /** the stores the components read (the app's by default) */
  stores?: Partial<ViewStores>;
  /**
   * Share one engine between the tabs of this browser (per project URL and user). Without it, or
   * where Web Locks or BroadcastChannel are missing, every tab runs its own engine.
   */
  tabs?: { projectUrl: string; platform?: TabsPlatform | null };
}

export interface Mounted extends LiveCommands {
  start(): void;
  stop(): void;
}

/** mount-live.ts, as use-live-engine.ts imports it */
export interface LiveMount {
  mountLive(deps: LiveAppDeps): Mounted;
}
