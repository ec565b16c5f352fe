import { toApiError } from '@/lib/api-error';
import { requireObject } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { SeriesAtHead } from '@/live/types';
import type { GetRevenueSeriesParams } from './get-revenue-series';
import { parseRevenueSeries } from './get-revenue-series';
import { parseDeltaHead } from './sync-dashboard';

/** revenue_series_at_head's jsonb → the points and the newest admin delta they include (0: none yet). */
export function parseRevenueSeriesAtHead(data: unknown): SeriesAtHead {
  const o = requireObject(data, 'revenue_series_at_head');
  return { points: parseRevenueSeries(o.points), ...parseDeltaHead(o.delta_seq, o.delta_sent_at, 'revenue_series_at_head') };
}

/** revenue_series with the delta head read in the same snapshot (see docs/delta-contract.md). */
export async function getRevenueSeriesAtHead(client: AppSupabaseClient, params: GetRevenueSeriesParams): Promise<SeriesAtHead> {
  const { data, error, status } = await client.rpc('revenue_series_at_head', {
    p_from: params.from,
    p_to: params.to,
    p_bucket: params.bucket,
    p_tz: params.tz ?? 'UTC',
  });
  if (error) throw toApiError(error, status);
  return parseRevenueSeriesAtHead(data);
}
