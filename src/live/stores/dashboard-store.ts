import { create } from 'zustand';
import { dashboardReducer, initialDashboardData, type DashboardAction, type DashboardData } from '../dashboard-reducer';

export interface DashboardStoreState extends DashboardData {
  /** The only way the dashboard data changes: actions applied in order, one notification. */
  dispatch: (actions: readonly DashboardAction[]) => void;
}

export function createDashboardStore() {
  return create<DashboardStoreState>()((set, get) => ({
    ...initialDashboardData(),
    dispatch: (actions) => {
      if (actions.length === 0) return;
      let data: DashboardData = get();
      for (const action of actions) data = dashboardReducer(data, action);
      if (data !== get()) set(data);
    },
  }));
}

export type DashboardStore = ReturnType<typeof createDashboardStore>;

export const useDashboardStore: DashboardStore = createDashboardStore();
