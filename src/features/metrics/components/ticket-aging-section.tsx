import { useMemo } from 'react';
import { useNow } from '@/components/ui/use-now';
import { useDashboardStore, useLiveCommands } from '@/live';
import { toTicketAgingLoadable } from '../api/parse-ticket-aging';
import { TicketAgingCard } from './ticket-aging-card';

export function TicketAgingSection() {
  const raw = useDashboardStore((s) => s.ticketAging);
  const sync = useDashboardStore((s) => s.ticketStatus);
  const ticketAging = useMemo(() => toTicketAgingLoadable(raw, sync), [raw, sync]);
  const now = useNow(60_000);
  const { retry } = useLiveCommands();
  // dashboard_sync brings ticket_aging with the ticket counts: retrying those re-reads it too
  return <TicketAgingCard ticketAging={ticketAging} now={now} onRetry={() => retry('ticketStatus')} />;
}
