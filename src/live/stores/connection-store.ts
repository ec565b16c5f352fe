import { create } from 'zustand';
import { connectionReducer, initialConnectionInfo, type ConnectionEvent } from '../connection-machine';
import { createBrowserEnvironment, type LiveEnvironment } from '../environment';
import type { LiveConnection } from '../types';

export interface ConnectionStoreState extends LiveConnection {
  dispatch: (events: readonly ConnectionEvent[]) => void;
}

function infoOf(state: ConnectionStoreState): LiveConnection {
  const { dispatch: _dispatch, ...info } = state;
  return info;
}

/** `since` starts at the environment's wall clock (the one the engine's events carry). */
export function createConnectionStore(env: Pick<LiveEnvironment, 'now'> = createBrowserEnvironment()) {
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

export type ConnectionStore = ReturnType<typeof createConnectionStore>;

export const useConnectionStore: ConnectionStore = createConnectionStore();
