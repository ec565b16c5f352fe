import type { DashboardData } from '../dashboard-data';
import type { ConnectionInfo, SessionState } from '../types';
import type { SnapshotDelta, TabSnapshot } from './tab-messages';
import type { ViewStores } from '../stores/store-types';

type DataOf<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

/** A store's state without its actions: plain data, structured-clone safe; unknown fields pass through. */
export function dataOf<T extends object>(state: T): DataOf<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) if (typeof value !== 'function') out[key] = value;
  return out as DataOf<T>;
}

/** Top-level fields of `next` that are not the same objects as in `prev`. */
export function changedFields<T extends object>(prev: T, next: T): Partial<T> | null {
  const delta: Partial<T> = {};
  let any = false;
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (next[key] !== prev[key]) {
      delta[key] = next[key];
      any = true;
    }
  }
  return any ? delta : null;
}

/**
 * `next` with the fields whose content equals `prev`'s replaced by `prev`'s objects: a sync
 * re-sends every slice, and an unchanged chart should neither cross the channel nor re-render.
 */
export function shareUnchanged<T extends object>(prev: T | undefined, next: T): T {
  if (!prev) return next;
  const out = { ...next };
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (next[key] !== prev[key] && JSON.stringify(next[key]) === JSON.stringify(prev[key])) out[key] = prev[key];
  }
  return out;
}

/**
 * Reads the leader engine's private stores into snapshots and the deltas between them. While a
 * new leader's engine is still restoring the session, the state it resumes from stands in, so no
 * tab flashes "loading" during a hand-over.
 */
export function createSnapshotSource(stores: ViewStores, resume: TabSnapshot | null, heldSession: SessionState | null) {
  let last: TabSnapshot | null = null;
  const held = resume?.session ?? heldSession;
  let restoring = held !== null && held.status === 'signed-in';

  function read(extras: TabSnapshot['extras']): TabSnapshot {
    const session: SessionState = dataOf(stores.session.getState());
    if (restoring && session.status !== 'loading') restoring = false;
    const dashboard: DashboardData = dataOf(stores.dashboard.getState());
    const connection: ConnectionInfo = dataOf(stores.connection.getState());
    if (restoring && held) return { dashboard: resume ? resume.dashboard : dashboard, connection, session: held, extras };
    return { dashboard, connection, session, extras };
  }

  return {
    /** the current snapshot and what changed since the previous call (null: nothing) */
    next(extras: TabSnapshot['extras']): { snapshot: TabSnapshot; delta: SnapshotDelta | null } {
      const read_ = read(extras);
      const prev = last;
      // keep the previous objects where nothing changed, so followers' selectors stay quiet
      const connection = prev && !changedFields(prev.connection, read_.connection) ? prev.connection : read_.connection;
      const session = prev && !changedFields(prev.session, read_.session) ? prev.session : read_.session;
      const snapshot: TabSnapshot = { ...read_, dashboard: shareUnchanged(prev?.dashboard, read_.dashboard), connection, session };
      last = snapshot;
      if (!prev) return { snapshot, delta: {} };
      const delta: SnapshotDelta = {};
      const dashboard = changedFields(prev.dashboard, snapshot.dashboard);
      if (dashboard) delta.dashboard = dashboard;
      if (connection !== prev.connection) delta.connection = connection;
      if (session !== prev.session) delta.session = session;
      if (snapshot.extras !== prev.extras) delta.extras = snapshot.extras;
      return { snapshot, delta: Object.keys(delta).length > 0 ? delta : null };
    },
    last: () => last,
  };
}
