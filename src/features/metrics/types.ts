import type { RevenueRange } from '@/live/types';

export const CURRENCY = 'USD';

export const REVENUE_RANGES: readonly RevenueRange[] = ['24h', '7d', '30d', '90d'];
export const DEFAULT_REVENUE_RANGE: RevenueRange = '7d';

export const RANGE_LABELS: Record<RevenueRange, string> = {
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
  '90d': '90 d',
};

export type KpiId = 'total-revenue' | 'active-repairs' | 'new-tickets-24h' | 'products-sold';

export type ChangeDirection = 'up' | 'down' | 'flat' | 'none';

export interface Change {
  direction: ChangeDirection;
  /** Relative change in percent, null when there is no base to compare with. */
  percent: number | null;
  /** Absolute difference, in the metric's unit. */
  delta: number | null;
  label: string;
}

export interface KpiCardModel {
  id: KpiId;
  title: string;
  value: number;
  display: string;
  change: Change;
  comparedTo: string;
}

export interface RevenueChartPoint {
  t: number;
  bucketStart: string;
  revenueCents: number;
  ordersCount: number;
  label: string;
}

export interface StatusBar {
  status: string;
  label: string;
  count: number;
}

/** The statuses that still need work, in the order the overview lists them. */
export type ActiveTicketStatus = 'open' | 'in_progress' | 'waiting_parts' | 'ready';

/** One active status on the overview's tickets card (dashboard_sync's `ticket_aging.active[i]`). */
export interface TicketAgingRow {
  status: ActiveTicketStatus;
  count: number;
  /** how many of `count` are urgent / high priority */
  urgent: number;
  high: number;
  /** creation time of the oldest ticket in this status; null when there is none */
  oldestCreatedAt: string | null;
  /** its age when the server answered, in seconds; null when there is none */
  oldestSeconds: number | null;
}

/**
 * dashboard_sync's `ticket_aging`, parsed (the engine passes the JSON through as `ticketAging`;
 * see api/parse-ticket-aging.ts): the four active statuses, then what ended in 30 days.
 */
export interface TicketAgingSummary {
  active: TicketAgingRow[];
  done30d: { closed: number; cancelled: number };
}
