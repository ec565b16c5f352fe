import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { RevenueRange } from '@/live/types';
import { useLiveCommands, useDashboardStore } from '@/live';
import { parseRange } from '../utils/parse-range';
import { RevenueCard } from './revenue-card';

/** The revenue card, with its range kept in the URL (`?range=7d`). */
export function RevenueSection() {
  const [params, setParams] = useSearchParams();
  const range = parseRange(params.get('range'));
  const revenue = useDashboardStore((s) => s.revenue);
  const { setRevenueRange, retry } = useLiveCommands();

  useEffect(() => {
    if (useDashboardStore.getState().revenue.range !== range) setRevenueRange(range);
  }, [range, setRevenueRange]);

  const onRangeChange = (next: RevenueRange) =>
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        p.set('range', next);
        return p;
      },
      { preventScrollReset: true },
    );

  return (
    <RevenueCard
      revenue={revenue}
      range={range}
      dataRange={revenue.range}
      onRangeChange={onRangeChange}
      onRetry={() => retry('revenue')}
    />
  );
}
