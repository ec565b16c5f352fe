import { create } from 'zustand';
import { initialDashboardData } from '../dashboard-reducer';
import type { DashboardStore, DashboardStoreState } from './store-types';

/**
 * What the dashboard's components read. Written by the engine (engine-state.ts hands over its own
 * objects once per frame) or, in a tab that follows another, by the tab view from the leader's
 * snapshots; the data changes only through the dashboard reducer, in the engine.
 */
export function createDashboardStore(): DashboardStore {
  return create<DashboardStoreState>()(() => initialDashboardData());
}

export const useDashboardStore: DashboardStore = createDashboardStore();
