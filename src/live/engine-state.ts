import { connectionReducer, initialConnectionInfo } from './connection-machine';
import { dashboardReducer, initialDashboardData } from './dashboard-reducer';
import { createFrameBatcher } from './frame-batcher';
import type { ConnectionEvent, ConnectionState, LiveConnection, LiveEnvironment, RevenueRange } from './types';
import type { StateSink } from './stores/store-types';
import type { DashboardAction, DashboardData } from './dashboard-data';

export interface EngineStateDeps {
  env: LiveEnvironment;
  revenueRange: RevenueRange;
  dashboardStore: StateSink<DashboardData>;
  connectionStore: StateSink<LiveConnection>;
  /** the connection state moved (polling starts and stops here) */
  onStateChanged(before: ConnectionState): void;
}

/**
 * The engine's dashboard and connection, changed here only (the reducers), and the stores the
 * components read. The stores hold the engine's own objects, not a copy kept by replaying the
 * actions: once per frame, the state as it is then is handed over (a burst of changes is one store
 * notification).
 */
export function createEngineState(deps: EngineStateDeps) {
  const { env, dashboardStore, connectionStore } = deps;
  let data: DashboardData = initialDashboardData(deps.revenueRange);
  let conn: LiveConnection = initialConnectionInfo(env.now());
  const always = () => true as const;
  const dashboardFrame = createFrameBatcher<true>(env.requestFrame, () => dashboardStore.setState(data), always);
  const connectionFrame = createFrameBatcher<true>(env.requestFrame, () => connectionStore.setState(conn), always);

  return {
    get data(): DashboardData {
      return data;
    },
    get conn(): LiveConnection {
      return conn;
    },
    act(action: DashboardAction) {
      const next = dashboardReducer(data, action);
      if (next === data) return;
      data = next;
      dashboardFrame.push(true);
    },
    signal(event: ConnectionEvent) {
      const before = conn.state;
      const next = connectionReducer(conn, event);
      if (next === conn) return;
      conn = next;
      connectionFrame.push(true);
      if (conn.state !== before) deps.onStateChanged(before);
    },
    flushNow() {
      dashboardFrame.flushNow();
      connectionFrame.flushNow();
    },
    dispose() {
      dashboardFrame.dispose();
      connectionFrame.dispose();
    },
  };
}
