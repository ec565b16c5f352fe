import { create } from 'zustand';
import { initialConnectionInfo } from '../connection-machine';
import type { LiveEnvironment } from '../types';
import type { ConnectionStore, ConnectionStoreState } from './store-types';

/** The browser's wall clock, as createBrowserEnvironment() reads it. */
const WALL_CLOCK: Pick<LiveEnvironment, 'now'> = { now: () => Date.now() };

/**
 * What the connection badge reads: the engine's connection (engine-state.ts hands over its own
 * object once per frame), or the leader's, in a tab that follows another. `since` starts at the
 * environment's wall clock (the one the engine's events carry).
 */
export function createConnectionStore(env: Pick<LiveEnvironment, 'now'> = WALL_CLOCK): ConnectionStore {
  return create<ConnectionStoreState>()(() => initialConnectionInfo(env.now()));
}

export const useConnectionStore: ConnectionStore = createConnectionStore();
