import { useId } from 'react';
import { humanize } from '../utils/to-sentence';
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketPriority, type TicketStatus } from '../types';

export interface TicketFiltersProps {
  status: TicketStatus | null;
  priority: TicketPriority | null;
  onChange: (patch: { status?: TicketStatus | null; priority?: TicketPriority | null }) => void;
}

/** Status and priority, for tickets only: they match the ticket as it is now. */
export function TicketFilters({ status, priority, onChange }: TicketFiltersProps) {
  const statusId = useId();
  const priorityId = useId();
  return (
    <div className="ticket-filters">
      <label htmlFor={statusId}>Status</label>
      <select
        id={statusId}
        className="input input--select"
        value={status ?? ''}
        onChange={(e) => onChange({ status: (e.target.value || null) as TicketStatus | null })}
      >
        <option value="">Any status</option>
        {TICKET_STATUSES.map((s) => (
          <option key={s} value={s}>
            {humanize(s)}
          </option>
        ))}
      </select>
      <label htmlFor={priorityId}>Priority</label>
      <select
        id={priorityId}
        className="input input--select"
        value={priority ?? ''}
        onChange={(e) => onChange({ priority: (e.target.value || null) as TicketPriority | null })}
      >
        <option value="">Any priority</option>
        {TICKET_PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {humanize(p)}
          </option>
        ))}
      </select>
    </div>
  );
}
