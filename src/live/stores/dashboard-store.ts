import { create } from 'zustand';
import type { DashboardData } from '../dashboard-data';
import { dashboardReducer, initialDashboardData } from '../dashboard-reducer';
import type { DashboardStore, DashboardStoreState } from './store-types';

export function createDashboardStore(): DashboardStore {
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

export const useDashboardStore: DashboardStore = createDashboardStore();
