// The live module: the one owner of realtime, polling, catch-up, session and connection state.
//
// Wiring (src/app/provider.tsx): `useLiveEngine(() => ({ client: getSupabaseClient(), api: liveApi }))`
// where `liveApi: LiveApi` lists the features' api functions. Components read the stores with narrow
// selectors and call `useLiveCommands()`; they never open a channel or start a timer.
export {
  createLiveEngine,
  DEFAULT_LIVE_OPTIONS,
  type LiveEngine,
  type LiveEngineDeps,
  type LiveEngineOptions,
  type LiveEngineStartOptions,
} from './engine';
export type { DashboardData, FeedState } from './dashboard-data';
export { positionOf, touchedSince, type ChangeClock, type ClockPosition } from './change-clock';
export { NOTHING_TOUCHED, touches, touchesTable, type TouchedEntities } from './touched';
export { createBrowserEnvironment, type LiveEnvironment } from './environment';
export type { LiveApi } from './live-api';
export { useLiveCommands, useLiveEngine, type LiveAppDeps } from './use-live-engine';
export { useConnectionStore } from './stores/connection-store';
export { useDashboardStore } from './stores/dashboard-store';
export { NOT_STAFF_MESSAGE, SESSION_EXPIRED_MESSAGE, useSessionStore } from './stores/session-store';
export type * from './types';
