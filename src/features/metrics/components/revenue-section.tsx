import { useDeferredValue, useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { RevenueRange } from '@/live/types';
import { useLiveCommands, useDashboardStore } from '@/live';
import { parseRange } from '../utils/parse-range';
import { RevenueCard } from './revenue-card';

/** The revenue card, with its range kept in the URL (`?range=7d`). */
export function RevenueSection() {
  const [params, setParams] = useSearchParams();
  const range = parseRange(params.get('range'));
  // The chart is the costliest part of the page to render (recharts: tens of ms per change, in
  // every tab at once): it follows the store at transition priority, so that a change's KPIs and
  // feed are on screen at once rather than after it, and a newer change interrupts it.
  const revenue = useDeferredValue(useDashboardStore((s) => s.revenue));
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
