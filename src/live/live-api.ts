import type { AppSupabaseClient } from '@/lib/supabase';
import type { ActivityPage, KpiSnapshot, RevenuePoint, SessionInfo, StaffUser, TicketStatusCount } from './types';

/**
 * The data-access functions the engine calls. They live in features/<f>/api and are handed in by
 * the app layer (live/ must not import features/). Each throws on Supabase's `{ error }`.
 */
export interface LiveApi {
  getKpis(client: AppSupabaseClient, params?: { from?: string; to?: string }): Promise<KpiSnapshot>;
  getRevenueSeries(
    client: AppSupabaseClient,
    params: { from: string; to: string; bucket: 'hour' | 'day'; tz?: string },
  ): Promise<RevenuePoint[]>;
  getActivityFeed(client: AppSupabaseClient, params: { limit: number; after?: number; before?: number }): Promise<ActivityPage>;
  getTicketStatusBreakdown(client: AppSupabaseClient): Promise<TicketStatusCount[]>;
  getCurrentStaff(client: AppSupabaseClient): Promise<StaffUser>;
  signInWithPassword(client: AppSupabaseClient, params: { email: string; password: string }): Promise<SessionInfo>;
  signOut(client: AppSupabaseClient): Promise<void>;
  getSession(client: AppSupabaseClient): Promise<SessionInfo | null>;
  refreshSession(client: AppSupabaseClient): Promise<SessionInfo>;
}
