import type { RevenueRange } from '@/live/types';
import { DEFAULT_REVENUE_RANGE, REVENUE_RANGES } from '../types';

/** The range from `?range=`; anything unknown falls back to the default. */
export function parseRange(value: string | null | undefined): RevenueRange {
  return (REVENUE_RANGES as readonly string[]).includes(value ?? '')
    ? (value as RevenueRange)
    : DEFAULT_REVENUE_RANGE;
}
