import { lazy, Suspense, useMemo } from 'react';
import type { Loadable, TicketStatusCount } from '@/live/types';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { formatCount } from '../utils/format-number';
import { toStatusBars } from '../utils/to-status-bars';
import { chartConfig } from './chart-config';

const TicketStatusChart = lazy(() => import('./ticket-status-chart').then((m) => ({ default: m.TicketStatusChart })));

export interface TicketStatusCardProps {
  ticketStatus: Loadable<TicketStatusCount[]>;
  onRetry: () => void;
  locale?: string;
}

export function TicketStatusCard({ ticketStatus, onRetry, locale }: TicketStatusCardProps) {
  const bars = useMemo(() => (ticketStatus.data ? toStatusBars(ticketStatus.data) : null), [ticketStatus.data]);
  const total = bars?.reduce((n, b) => n + b.count, 0) ?? 0;

  let body;
  if (!bars) {
    body =
      ticketStatus.status === 'error' ? (
        <ErrorState title="Couldn't load tickets by status" error={ticketStatus.error} onRetry={onRetry} />
      ) : (
        <div aria-busy="true" aria-label="Loading tickets by status">
          <Skeleton height={chartConfig.height} />
        </div>
      );
  } else if (total === 0) {
    body = <EmptyState title="No tickets yet">New repair tickets will show up here.</EmptyState>;
  } else {
    body = (
      <figure className="chart-figure">
        <Suspense fallback={<Skeleton height={chartConfig.height} />}>
          <TicketStatusChart data={bars} />
        </Suspense>
        <figcaption className="visually-hidden">
          {bars.map((b) => `${b.label}: ${formatCount(b.count, { locale })}`).join(', ')}
        </figcaption>
      </figure>
    );
  }

  return (
    <Card title="Tickets by status" data-testid="ticket-status-chart" aria-busy={ticketStatus.status === 'loading'}>
      {bars && ticketStatus.error && (
        <ErrorState title="Couldn't refresh tickets by status" error={ticketStatus.error} onRetry={onRetry} />
      )}
      {body}
    </Card>
  );
}
