import type { TicketAgingSummary } from '../types';
import { ageSeconds, formatAge } from './format-age';
import { formatCount } from './format-number';
import { humanizeStatus } from './to-status-bars';

export interface AgingRowModel {
  status: string;
  label: string;
  count: number;
  countText: string;
  /** the server's figure, for data-oldest-seconds */
  oldestSeconds: number | null;
  /** "oldest 3 d", or null when nothing waits in this status */
  oldestText: string | null;
  urgent: number;
  high: number;
  /** "Waiting parts · 9 · oldest 3 d" */
  summary: string;
}

export interface AgingModel {
  rows: AgingRowModel[];
  /** "Last 30 days: 847 closed · 12 cancelled" */
  doneText: string;
  activeTotal: number;
}

/** The tickets card's rows; ages are taken at `now` from the creation time, so they keep growing between syncs. */
export function toAgingModel(aging: TicketAgingSummary, now: number, locale?: string): AgingModel {
  const rows = aging.active.map((r): AgingRowModel => {
    const label = humanizeStatus(r.status);
    const age = r.count > 0 ? ageSeconds(r.oldestCreatedAt, now, r.oldestSeconds) : null;
    const oldestText = age === null ? null : `oldest ${formatAge(age)}`;
    const countText = formatCount(r.count, { locale });
    return {
      status: r.status,
      label,
      count: r.count,
      countText,
      oldestSeconds: r.oldestSeconds,
      oldestText,
      urgent: r.urgent,
      high: r.high,
      summary: [label, countText, oldestText].filter(Boolean).join(' · '),
    };
  });
  const { closed, cancelled } = aging.done30d;
  return {
    rows,
    activeTotal: rows.reduce((n, r) => n + r.count, 0),
    doneText: `Last 30 days: ${formatCount(closed, { locale })} closed · ${formatCount(cancelled, { locale })} cancelled`,
  };
}
