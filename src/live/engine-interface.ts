import type { AppSupabaseClient } from '@/lib/supabase';
import type { DashboardData } from './dashboard-data';
import type { LiveEngineOptions } from './engine-options';
import type { LiveApi } from './live-api';
import type { EngineStores } from './stores/store-types';
import type { MakeTransport } from './transport/transport';
import type { LiveCommands, LiveConnection, LiveEnvironment, LiveTransport, RevenueChange } from './types';

// What the engine offers and what it is made from, apart from how it is made (engine.ts): the
// tabs' leader and coordinator hold an engine through this and do not stand on its implementation.

export interface LiveEngineStartOptions {
  /**
   * What this tab was shown (a follower becoming leader): the engine starts from it, and its first
   * sync is dashboard_sync(p_after = resume.cursor, p_epoch = resume.epoch), so nothing is lost or doubled.
   */
  resume?: DashboardData;
}

export interface LiveEngine extends LiveCommands {
  start(opts?: LiveEngineStartOptions): void;
  stop(): void;
  /** no sync running or queued (tests and benches wait on this) */
  isIdle(): boolean;
  /** what the engine holds right now, ahead of the next frame's store update */
  peek(): { data: DashboardData; connection: LiveConnection };
  /**
   * Each change of the revenue series, as it happens (the tabs' leader keeps its extra hourly series
   * with it), when the transport can tell; undefined when it cannot. Returns its unsubscribe.
   */
  onRevenueChange?(listener: (change: RevenueChange) => void): () => void;
}

export interface LiveEngineDeps {
  client: AppSupabaseClient;
  api: LiveApi;
  env?: LiveEnvironment;
  /** where the engine writes (the app's stores by default; a tab's leader takes the state itself) */
  stores?: Partial<EngineStores>;
  options?: Partial<LiveEngineOptions>;
  /**
   * The transport an option names (transport/transport-for.ts). Passed in by the composition root
   * (mount-live.ts), so the engine does not stand on the transports' implementations.
   */
  transportFor(name: LiveTransport): MakeTransport;
}
