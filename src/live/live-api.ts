import type { AppSupabaseClient } from '@/lib/supabase';
import type { ActivityPage, DashboardDelta, SeriesAtHead, SessionInfo, StaffUser, SyncParams, SyncSnapshot } from './types';

/**
 * The data-access functions the engine calls. They live in features/<f>/api and are handed in by
 * the app layer (live/ must not import features/). Each throws on Supabase's `{ error }`, and on an
 * answer off the contract with a ParseError (an error, never "offline").
 */
export interface LiveApi {
  /** dashboard_sync: the overview and the feed from the cursor to now, in one snapshot */
  syncDashboard(client: AppSupabaseClient, params: SyncParams): Promise<SyncSnapshot>;
  /**
   * revenue_series_at_head for a range other than the one the engine syncs (the tabs' extra ranges),
   * with the newest admin delta it includes; the engine itself reads revenue only through dashboard_sync
   */
  getRevenueSeriesAtHead(
    client: AppSupabaseClient,
    params: { from: string; to: string; bucket: 'hour' | 'day'; tz?: string },
  ): Promise<SeriesAtHead>;
  /** broadcast mode: a `delta` message's payload → DashboardDelta; throws a ParseError off the contract */
  parseDashboardDelta(payload: unknown): DashboardDelta;
  /** activity_feed: older pages below the window (p_before) */
  getActivityFeed(client: AppSupabaseClient, params: { limit: number; before?: number }): Promise<ActivityPage>;
  getCurrentStaff(client: AppSupabaseClient): Promise<StaffUser>;
  signInWithPassword(client: AppSupabaseClient, params: { email: string; password: string }): Promise<SessionInfo>;
  signOut(client: AppSupabaseClient): Promise<void>;
  getSession(client: AppSupabaseClient): Promise<SessionInfo | null>;
  refreshSession(client: AppSupabaseClient): Promise<SessionInfo>;
}
