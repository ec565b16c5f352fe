import type { StatusBar } from '../types';

export const TICKET_STATUS_ORDER = ['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled'] as const;

export function humanizeStatus(status: string): string {
  const words = status.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every known status in workflow order (zeros kept), unknown statuses after them. */
export function toStatusBars(rows: readonly { status: string; count: number }[]): StatusBar[] {
  const counts = new Map(rows.map((r) => [r.status, r.count]));
  const known: string[] = [...TICKET_STATUS_ORDER];
  const extra = rows.map((r) => r.status).filter((s) => !known.includes(s));
  return [...known, ...extra].map((status) => ({ status, label: humanizeStatus(status), count: counts.get(status) ?? 0 }));
}
