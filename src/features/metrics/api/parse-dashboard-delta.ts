import { ParseError, requireArray, requireInt, requireJson, requireObject, requireString, requireTimestampMicros, toInt } from '@/lib/parse';
import { parseActivityFeed } from '@/lib/parse-activity';
import type { DashboardDelta, RevenueIncrement } from '@/live/types';
import { parseKpis } from './get-kpis';
import { parseTicketStatusBreakdown } from './get-ticket-status-breakdown';
import { parseTouched } from './parse-touched';

const HOUR_MS = 3_600_000;

function cursorOf(value: unknown, field: string, min = 0): number {
  const n = toInt(value);
  if (n === null || n < min) throw new ParseError(`Unexpected value for ${field}: ${JSON.stringify(value)}`);
  return n;
}

/** Runs a part's parser with its errors labelled `dashboard_delta.<part>`. */
function part<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('dashboard_delta.')) throw error;
    throw new ParseError(`dashboard_delta.${name}: ${message}`);
  }
}

/** prev_sent_at: null for the topic's first delta (0) or a REPEATABLE READ writer (unknown: null); v2 requires the key. */
function parsePrev(o: Record<string, unknown>): number | null {
  if (!('prev_sent_at' in o)) throw new ParseError('dashboard_delta.prev_sent_at is missing');
  if (o.prev_sent_at !== null) return requireTimestampMicros(o.prev_sent_at, 'dashboard_delta.prev_sent_at');
  return toInt(o.seq) === 1 ? 0 : null;
}

function parseIncrement(row: unknown, i: number): RevenueIncrement {
  const o = requireObject(row, `revenue[${i}]`);
  const hour = requireTimestampMicros(o.hour, `revenue[${i}].hour`) / 1000;
  if (hour % HOUR_MS !== 0) throw new ParseError(`revenue[${i}].hour is not the start of a UTC hour`);
  return {
    hour,
    revenueCents: requireInt(o.revenue_cents, `revenue[${i}].revenue_cents`),
    ordersCount: requireInt(o.orders_count, `revenue[${i}].orders_count`),
    itemsSold: requireInt(o.items_sold ?? 0, `revenue[${i}].items_sold`),
  };
}

/**
 * A `delta` broadcast's payload → DashboardDelta (contract v2, docs/delta-contract.md).
 * Anything off the contract is a ParseError: the engine counts it and syncs instead. Unknown keys
 * (the server adds `id`) are ignored.
 */
export function parseDashboardDelta(payload: unknown): DashboardDelta {
  const o = requireObject(payload, 'dashboard_delta');
  // -1: written under an older snapshot (REPEATABLE READ); no client holds it, so every one syncs
  const fromCursor = cursorOf(o.from_cursor, 'dashboard_delta.from_cursor', -1);
  const cursor = cursorOf(o.cursor, 'dashboard_delta.cursor');
  if (cursor < fromCursor) throw new ParseError(`dashboard_delta.cursor (${cursor}) is below from_cursor (${fromCursor})`);
  const snapshot = parseKpis(o.kpis, 'dashboard_delta.kpis');
  if (snapshot.cursor !== cursor) throw new ParseError(`dashboard_delta.kpis.cursor (${snapshot.cursor}) is not dashboard_delta.cursor (${cursor})`);
  const feed = part('feed', () => parseActivityFeed(o.feed));
  const ids = requireArray(o.feed, 'dashboard_delta.feed').map((row) => toInt(requireObject(row, 'dashboard_delta.feed row').id));
  if (ids.some((id) => id === null || id <= fromCursor || id > cursor)) {
    throw new ParseError(`dashboard_delta.feed has rows outside (${fromCursor}, ${cursor}]`);
  }
  const feedComplete = o.feed_complete;
  if (typeof feedComplete !== 'boolean') throw new ParseError(`Unexpected value for dashboard_delta.feed_complete: ${JSON.stringify(feedComplete)}`);
  // the transaction's rows are exactly the visible ids in (from_cursor, cursor]: all of them, its newest at the cursor
  if (feedComplete && fromCursor >= 0 && cursor > fromCursor && feed.maxId !== cursor) {
    throw new ParseError('dashboard_delta.feed lacks the row at the cursor');
  }
  let revenue: RevenueIncrement[] | null = null;
  if (o.revenue !== null && o.revenue !== undefined) {
    if (snapshot.role === 'support') throw new ParseError('dashboard_delta.revenue must be null for support');
    revenue = part('revenue', () => requireArray(o.revenue, 'revenue').map(parseIncrement));
  } else if (snapshot.role === 'admin') {
    throw new ParseError('dashboard_delta.revenue is missing');
  }
  return {
    epoch: requireString(o.epoch, 'dashboard_delta.epoch'),
    seq: cursorOf(o.seq, 'dashboard_delta.seq', 1),
    prevSentAtMicros: parsePrev(o),
    touched: parseTouched(o.touched, snapshot.role === 'support'),
    fromCursor,
    cursor,
    feed,
    feedComplete,
    kpis: snapshot.kpis,
    role: snapshot.role,
    ticketStatus: part('ticket_status', () => parseTicketStatusBreakdown(o.ticket_status)),
    ticketAging: o.ticket_aging === undefined || o.ticket_aging === null ? null : requireJson(o.ticket_aging, 'dashboard_delta.ticket_aging'),
    revenue,
    sentAtMicros: requireTimestampMicros(o.sent_at, 'dashboard_delta.sent_at'),
  };
}
