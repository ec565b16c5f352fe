import { Suspense, useEffect, useMemo } from 'react';
import type { Loadable, RevenuePoint, RevenueRange } from '@/live/types';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { RANGE_LABELS } from '../types';
import { formatCount, formatMoneyCents } from '../utils/format-number';
import { toRevenueChartData, totalRevenueCents } from '../utils/to-revenue-chart-data';
import { revenueCsvFileName, toRevenueCsv } from '../utils/to-revenue-csv';
import { chartConfig } from './chart-config';
import { LazyRevenueChart as RevenueChart } from './lazy-revenue-chart';
import { RangePicker } from './range-picker';

export interface RevenueCardProps {
  revenue: Loadable<RevenuePoint[]>;
  /** The range asked for (from the URL); data for another range is not shown. */
  range: RevenueRange;
  /** The range the loaded data belongs to. */
  dataRange: RevenueRange;
  onRangeChange: (range: RevenueRange) => void;
  onRetry: () => void;
  locale?: string;
}

function download(csv: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function RevenueCard({ revenue, range, dataRange, onRangeChange, onRetry, locale }: RevenueCardProps) {
  const current = dataRange === range ? revenue.data : null;
  const data = useMemo(() => (current ? toRevenueChartData(current, range, { locale }) : null), [current, range, locale]);
  const total = data ? totalRevenueCents(data) : 0;
  const orders = data ? data.reduce((n, p) => n + p.ordersCount, 0) : 0;

  // the same element while the series is the same: the card's other renders leave the chart alone
  const chart = useMemo(() => (data && data.length > 0 ? <RevenueChart data={data} locale={locale} /> : null), [data, locale]);

  // The chart's code, fetched while the data loads rather than after; a failure shows at render.
  useEffect(() => void RevenueChart.preload().catch(() => undefined), []);

  let body;
  if (!data) {
    body =
      revenue.status === 'error' && dataRange === range ? (
        <ErrorState title="Couldn't load revenue" error={revenue.error} onRetry={onRetry} />
      ) : (
        <div role="status" aria-busy="true" aria-label="Loading revenue">
          <Skeleton height={chartConfig.height} />
        </div>
      );
  } else if (data.length === 0) {
    body = <EmptyState title="No revenue data for this range">Paid orders will show up here.</EmptyState>;
  } else {
    body = (
      <figure className="chart-figure">
        <Suspense fallback={<Skeleton height={chartConfig.height} />}>
          {chart}
        </Suspense>
        <figcaption className="muted chart-caption">
          {formatMoneyCents(total, { locale })} from {formatCount(orders, { locale })} paid orders in the last{' '}
          {RANGE_LABELS[range]}
        </figcaption>
      </figure>
    );
  }

  return (
    <Card
      title="Revenue"
      data-testid="revenue-chart"
      aria-busy={revenue.status === 'loading'}
      actions={
        <div className="card__actions">
          <RangePicker value={range} onChange={onRangeChange} />
          <Button
            size="small"
            disabled={!data || data.length === 0}
            onClick={() => data && download(toRevenueCsv(data), revenueCsvFileName(range, new Date()))}
          >
            Download CSV
          </Button>
        </div>
      }
    >
      {data && revenue.error && (
        <ErrorState title="Couldn't refresh revenue; showing the last values" error={revenue.error} onRetry={onRetry} />
      )}
      {body}
    </Card>
  );
}
