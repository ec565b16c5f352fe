import { getActivityFeed } from '@/features/activity/api/get-activity-feed';
import { getCurrentStaff } from '@/features/auth/api/get-current-staff';
import { getSession } from '@/features/auth/api/get-session';
import { refreshSession } from '@/features/auth/api/refresh-session';
import { signInWithPassword } from '@/features/auth/api/sign-in-with-password';
import { signOut } from '@/features/auth/api/sign-out';
import { getRevenueSeriesAtHead } from '@/features/metrics/api/get-revenue-series-at-head';
import { parseDashboardDelta } from '@/features/metrics/api/parse-dashboard-delta';
import { syncDashboard } from '@/features/metrics/api/sync-dashboard';
import type { LiveApi } from '@/live';

/** The features' data-access functions, handed to the live engine (live/ does not import features/). */
export const liveApi: LiveApi = {
  syncDashboard,
  getRevenueSeriesAtHead,
  parseDashboardDelta,
  getActivityFeed,
  getCurrentStaff,
  signInWithPassword,
  signOut,
  getSession,
  refreshSession,
};
