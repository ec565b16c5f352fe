import { useLiveCommands } from '@/live';
import { useDashboardStore } from '@/live/stores/dashboard-store';
import { TicketStatusCard } from './ticket-status-card';

export function TicketStatusSection() {
  const ticketStatus = useDashboardStore((s) => s.ticketStatus);
  const { retry } = useLiveCommands();
  return <TicketStatusCard ticketStatus={ticketStatus} onRetry={() => retry('ticketStatus')} />;
}
