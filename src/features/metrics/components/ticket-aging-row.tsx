import type { CSSProperties } from 'react';
import type { AgingRowModel } from '../utils/to-aging-rows';

export interface TicketAgingRowProps {
  row: AgingRowModel;
  /** count relative to the fullest status, 0..1, for the bar behind the row */
  share: number;
}

export function TicketAgingRow({ row, share }: TicketAgingRowProps) {
  return (
    <li
      className="aging-row"
      data-testid="ticket-aging-row"
      data-status={row.status}
      data-count={row.count}
      data-oldest-seconds={row.oldestSeconds ?? ''}
      style={{ '--share': share } as CSSProperties}
    >
      <span className="aging-row__bar" aria-hidden="true" />
      <span className="aging-row__label">{row.label}</span>
      <span className="aging-row__sep" aria-hidden="true"> · </span>
      <span className="aging-row__count">{row.countText}</span>
      {row.oldestText && (
        <>
          <span className="aging-row__sep" aria-hidden="true"> · </span>
          <span className="aging-row__age">{row.oldestText}</span>
        </>
      )}
      {(row.urgent > 0 || row.high > 0) && (
        <span className="aging-row__flags">
          {row.urgent > 0 && <span className="badge badge--urgent">{row.urgent} urgent</span>}
          {row.high > 0 && <span className="badge badge--high">{row.high} high</span>}
        </span>
      )}
    </li>
  );
}
