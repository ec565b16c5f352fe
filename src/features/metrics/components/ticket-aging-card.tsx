import { useMemo } from 'react';
import type { Loadable } from '@/live/types';
import type { TicketAgingSummary } from '../types';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { toAgingModel } from '../utils/to-aging-rows';
import { TicketAgingRow } from './ticket-aging-row';

export interface TicketAgingCardProps {
  ticketAging: Loadable<TicketAgingSummary>;
  now: number;
  onRetry: () => void;
  locale?: string;
}

/** The four states that need work, how many tickets wait in each and for how long; closed work is one muted line. */
export function TicketAgingCard({ ticketAging, now, onRetry, locale }: TicketAgingCardProps) {
  const model = useMemo(() => (ticketAging.data ? toAgingModel(ticketAging.data, now, locale) : null), [ticketAging.data, now, locale]);
  const widest = model ? Math.max(1, ...model.rows.map((r) => r.count)) : 1;

  let body;
  if (!model) {
    body =
      ticketAging.status === 'error' ? (
        <ErrorState title="Couldn't load tickets" error={ticketAging.error} onRetry={onRetry} />
      ) : (
        <div role="status" aria-busy="true" aria-label="Loading tickets">
          <Skeleton height={160} />
        </div>
      );
  } else {
    body = (
      <>
        <ul className="aging-list" aria-label="Active tickets by status">
          {model.rows.map((row) => (
            <TicketAgingRow key={row.status} row={row} share={row.count / widest} />
          ))}
        </ul>
        <p className="aging-done muted">{model.doneText}</p>
      </>
    );
  }

  return (
    <Card title="Tickets needing work" data-testid="ticket-aging" aria-busy={ticketAging.status === 'loading'}>
      {model && ticketAging.error && <ErrorState title="Couldn't refresh tickets" error={ticketAging.error} onRetry={onRetry} />}
      {body}
    </Card>
  );
}
