import { connectionReducer, initialConnectionInfo, mergeConnectionEvents } from './connection-machine';
import { dashboardReducer, initialDashboardData } from './dashboard-reducer';
import { createFrameBatcher } from './frame-batcher';
import type { ConnectionEvent, ConnectionState, LiveConnection, LiveEnvironment, RevenueRange } from './types';
import type { ConnectionStore, DashboardStore } from './stores/store-types';
import type { DashboardAction, DashboardData } from './dashboard-data';

export interface EngineStateDeps {
  env: LiveEnvironment;
  revenueRange: RevenueRange;
  dashboardStore: DashboardStore;
  connectionStore: ConnectionStore;
  /** the connection state moved (polling starts and stops here) */
  onStateChanged(before: ConnectionState): void;
}

/**
 * The engine's own copy of the dashboard and the connection, applied at once; the stores get the
 * same actions and events once per frame.
 */
export function createEngineState(deps: EngineStateDeps) {
  const { env, dashboardStore, connectionStore } = deps;
  let data: DashboardData = initialDashboardData(deps.revenueRange);
  let conn: LiveConnection = initialConnectionInfo(env.now());
  const dashboardBatch = createFrameBatcher<DashboardAction>(env.requestFrame, (actions) =>
    dashboardStore.getState().dispatch(actions),
  );
  const connectionBatch = createFrameBatcher<ConnectionEvent>(
    env.requestFrame,
    (events) => connectionStore.getState().dispatch(events),
    mergeConnectionEvents,
  );

  return {
    get data(): DashboardData {
      return data;
    },
    get conn(): LiveConnection {
      return conn;
    },
    act(action: DashboardAction) {
      data = dashboardReducer(data, action);
      dashboardBatch.push(action);
    },
    signal(event: ConnectionEvent) {
      const before = conn.state;
      conn = connectionReducer(conn, event);
      connectionBatch.push(event);
      if (conn.state !== before) deps.onStateChanged(before);
    },
    flushNow() {
      dashboardBatch.flushNow();
      connectionBatch.flushNow();
    },
    dispose() {
      dashboardBatch.dispose();
      connectionBatch.dispose();
    },
  };
}

export type EngineState = ReturnType<typeof createEngineState>;
