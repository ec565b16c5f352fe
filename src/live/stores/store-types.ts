import type { StoreApi, UseBoundStore } from 'zustand';
import type { DashboardAction, DashboardData } from '../dashboard-data';
import type { ConnectionEvent, LiveConnection, SessionState, StaffUser } from '../types';

// The stores' shapes, apart from the stores (dashboard-store.ts, connection-store.ts,
// session-store.ts): modules that are handed stores stand on these types alone.

export interface DashboardStoreState extends DashboardData {
  /** The only way the dashboard data changes: actions applied in order, one notification. */
  dispatch: (actions: readonly DashboardAction[]) => void;
}

export type DashboardStore = UseBoundStore<StoreApi<DashboardStoreState>>;

export interface ConnectionStoreState extends LiveConnection {
  dispatch: (events: readonly ConnectionEvent[]) => void;
}

export type ConnectionStore = UseBoundStore<StoreApi<ConnectionStoreState>>;

export interface SessionStoreState extends SessionState {
  signedIn: (user: StaffUser) => void;
  signedOut: (message?: string | null) => void;
  loading: () => void;
}

export type SessionStore = UseBoundStore<StoreApi<SessionStoreState>>;

/** The three stores the components read: the page's own, or a leader's private ones. */
export interface ViewStores {
  dashboard: DashboardStore;
  connection: ConnectionStore;
  session: SessionStore;
}
