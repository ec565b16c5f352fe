// The live module: the one owner of realtime, polling, catch-up, session and connection state.
//
// Wiring (src/app/provider.tsx): `useLiveEngine(() => ({ client: getSupabaseClient(), api: liveApi }))`
// where `liveApi: LiveApi` lists the features' api functions. Components read the stores with narrow
// selectors and call `useLiveCommands()`; they never open a channel or start a timer.
// The engine itself is loaded lazily (use-live-engine.ts → mount-live.ts): only its types here.
export type { LiveEngine, LiveEngineDeps, LiveEngineStartOptions } from './engine-interface';
export type { LiveEngineOptions } from './engine-options';
export { DEFAULT_LIVE_OPTIONS } from './engine-options';
export type { DashboardData, FeedState } from './dashboard-data';
export { positionOf, touchedSince } from './change-clock';
export { NOTHING_TOUCHED, touches, touchesTable } from './touched';
export { createBrowserEnvironment } from './environment';
export type { LiveApi } from './live-api';
export { preloadLive, useLiveCommands, useLiveEngine, type LiveAppDeps } from './use-live-engine';
export { useConnectionStore } from './stores/connection-store';
export { useDashboardStore } from './stores/dashboard-store';
export { NOT_STAFF_MESSAGE, SESSION_EXPIRED_MESSAGE, useSessionStore } from './stores/session-store';
export type * from './types';
