import { create } from 'zustand';
import { connectionReducer, initialConnectionInfo } from '../connection-machine';
import type { LiveConnection, LiveEnvironment } from '../types';
import type { ConnectionStore, ConnectionStoreState } from './store-types';

function infoOf(state: ConnectionStoreState): LiveConnection {
  const { dispatch: _dispatch, ...info } = state;
  return info;
}

/** The browser's wall clock, as createBrowserEnvironment() reads it. */
const WALL_CLOCK: Pick<LiveEnvironment, 'now'> = { now: () => Date.now() };

/** `since` starts at the environment's wall clock (the one the engine's events carry). */
export function createConnectionStore(env: Pick<LiveEnvironment, 'now'> = WALL_CLOCK): ConnectionStore {
  return create<ConnectionStoreState>()((set, get) => ({
    ...initialConnectionInfo(env.now()),
    dispatch: (events) => {
      const before = infoOf(get());
      let info = before;
      for (const event of events) info = connectionReducer(info, event);
      if (info !== before) set(info);
    },
  }));
}

export const useConnectionStore: ConnectionStore = createConnectionStore();
