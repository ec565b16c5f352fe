import type { StoreApi, UseBoundStore } from 'zustand';
import type { DashboardData } from '../dashboard-data';
import type { LiveConnection, SessionState, StaffUser } from '../types';

// The stores' shapes, apart from the stores (dashboard-store.ts, connection-store.ts,
// session-store.ts): modules that are handed stores stand on these types alone.

/** The engine's own objects, handed over once per frame (engine-state.ts), or a leader's snapshot. */
export type DashboardStoreState = DashboardData;

export type DashboardStore = UseBoundStore<StoreApi<DashboardStoreState>>;

export type ConnectionStoreState = LiveConnection;

export type ConnectionStore = UseBoundStore<StoreApi<ConnectionStoreState>>;

export interface SessionStoreState extends SessionState {
  signedIn: (user: StaffUser) => void;
  signedOut: (message?: string | null) => void;
  loading: () => void;
}

export type SessionStore = UseBoundStore<StoreApi<SessionStoreState>>;

/** Where the engine hands over its state once per frame: a store the components read, or a tab's leader. */
export interface StateSink<T> {
  setState(state: T): void;
}

/** What an engine writes to: its dashboard and connection (its own objects), and the session it keeps. */
export interface EngineStores {
  dashboard: StateSink<DashboardData>;
  connection: StateSink<LiveConnection>;
  session: SessionStore;
}

/** The three stores the components read. */
export interface ViewStores {
  dashboard: DashboardStore;
  connection: ConnectionStore;
  session: SessionStore;
}
