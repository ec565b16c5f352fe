// Emitted by Vite as a file of the app's own build, with a content hash (never inlined as a data:
// URL): served from the app's origin, and a new build never talks to an old cached worker.
import liveWorkerPath from './live-worker.js?url&no-inline';

/** The absolute URL of the live worker script (`live-worker.js`, beside this file). */
export function liveWorkerUrl(): string {
  return new URL(liveWorkerPath, globalThis.location?.href).href;
}

/** Whether this page can run dedicated workers (not Node, not an old browser). */
export function canRunWorkers(): boolean {
  return typeof Worker !== 'undefined';
}
