import { toApiError } from '@/lib/api-error';
import { requireArray, requireInt, requireObject, requireTimestamp } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { RevenuePoint } from '@/live/types';

export interface GetRevenueSeriesParams {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  tz?: string;
}

export function parseRevenueSeries(data: unknown): RevenuePoint[] {
  return requireArray(data, 'revenue_series').map((row, i) => {
    const o = requireObject(row, `revenue_series[${i}]`);
    return {
      bucketStart: requireTimestamp(o.bucket_start, 'revenue_series.bucket_start'),
      revenueCents: requireInt(o.revenue_cents ?? 0, 'revenue_series.revenue_cents'),
      ordersCount: requireInt(o.orders_count ?? 0, 'revenue_series.orders_count'),
    };
  });
}

export async function getRevenueSeries(client: AppSupabaseClient, params: GetRevenueSeriesParams): Promise<RevenuePoint[]> {
  const { data, error, status } = await client.rpc('revenue_series', {
    p_from: params.from,
    p_to: params.to,
    p_bucket: params.bucket,
    p_tz: params.tz ?? 'UTC',
  });
  if (error) throw toApiError(error, status);
  return parseRevenueSeries(data);
}
