import { create } from 'zustand';
import { connectionReducer, initialConnectionInfo, type ConnectionEvent } from '../connection-machine';
import type { LiveConnection } from '../types';

export interface ConnectionStoreState extends LiveConnection {
  dispatch: (events: readonly ConnectionEvent[]) => void;
}

function infoOf(state: ConnectionStoreState): LiveConnection {
  const { dispatch: _dispatch, ...info } = state;
  return info;
}

export function createConnectionStore(now: number = Date.now()) {
  return create<ConnectionStoreState>()((set, get) => ({
    ...initialConnectionInfo(now),
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
