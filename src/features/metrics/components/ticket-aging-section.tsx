import { useNow } from '@/components/ui/use-now';
import { useDashboardStore, useLiveCommands } from '@/live';
import { TicketAgingCard } from './ticket-aging-card';

export function TicketAgingSection() {
  const ticketAging = useDashboardStore((s) => s.ticketAging);
  const now = useNow(60_000);
  const { retry } = useLiveCommands();
  // dashboard_sync brings ticket_aging with the ticket counts: retrying those re-reads it too
  return <TicketAgingCard ticketAging={ticketAging} now={now} onRetry={() => retry('ticketStatus')} />;
}
