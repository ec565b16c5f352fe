import { useLiveCommands, useDashboardStore } from '@/live';
import { TicketStatusCard } from './ticket-status-card';

export function TicketStatusSection() {
  const ticketStatus = useDashboardStore((s) => s.ticketStatus);
  const { retry } = useLiveCommands();
  return <TicketStatusCard ticketStatus={ticketStatus} onRetry={() => retry('ticketStatus')} />;
}
