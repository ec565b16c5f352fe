import { toApiError } from '@/lib/api-error';
import { requireJson, requireObject, requireString, requireTimestampMicros, toInt, ParseError } from '@/lib/parse';
import { parseActivityFeed } from '@/lib/parse-activity';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { SyncParams, SyncSnapshot } from '@/live/types';
import { parseKpis } from './get-kpis';
import { parseRevenueSeries } from './get-revenue-series';
import { parseTicketStatusBreakdown } from './get-ticket-status-breakdown';

function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ParseError(`Unexpected value for ${field}: ${JSON.stringify(value)}`);
  return value;
}

/** Runs a part's parser; its ParseError is labelled with the part of dashboard_sync it came from. */
function part<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ParseError && !error.message.includes('dashboard_sync.')) {
      throw new ParseError(`dashboard_sync.${name}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * The newest delta an answer's snapshot includes (contract v2): seq 0 and no sent_at when the topic
 * has none yet. `rpc` names the answer in errors (dashboard_sync, revenue_series_at_head).
 */
export function parseDeltaHead(seq: unknown, sentAt: unknown, rpc: string): { deltaSeq: number; deltaSentAtMicros: number } {
  const n = toInt(seq);
  if (n === null || n < 0) throw new ParseError(`Unexpected value for ${rpc}.delta_seq: ${JSON.stringify(seq)}`);
  if (n === 0) {
    if (sentAt !== null && sentAt !== undefined) throw new ParseError(`${rpc}.delta_sent_at must be null when delta_seq is 0`);
    return { deltaSeq: 0, deltaSentAtMicros: 0 };
  }
  return { deltaSeq: n, deltaSentAtMicros: requireTimestampMicros(sentAt, `${rpc}.delta_sent_at`) };
}

/** dashboard_sync's jsonb → SyncSnapshot; anything off-contract is a ParseError (an error, not "offline"). */
export function parseDashboardSync(data: unknown): SyncSnapshot {
  const o = requireObject(data, 'dashboard_sync');
  const cursor = o.cursor === null ? 0 : toInt(o.cursor);
  if (cursor === null || cursor < 0) throw new ParseError(`Unexpected value for dashboard_sync.cursor: ${JSON.stringify(o.cursor)}`);
  const snapshot = parseKpis(o.kpis, 'dashboard_sync.kpis');
  if (snapshot.cursor !== cursor) {
    throw new ParseError(`dashboard_sync.kpis.cursor (${snapshot.cursor}) is not dashboard_sync.cursor (${cursor})`);
  }
  const feed = part('feed', () => parseActivityFeed(o.feed));
  if (feed.maxId !== null && feed.maxId > cursor) throw new ParseError('dashboard_sync.feed has rows above the cursor');
  return {
    epoch: requireString(o.epoch, 'dashboard_sync.epoch'),
    reset: requireBoolean(o.reset, 'dashboard_sync.reset'),
    cursor,
    feed,
    feedComplete: requireBoolean(o.feed_complete, 'dashboard_sync.feed_complete'),
    kpis: snapshot.kpis,
    role: snapshot.role,
    ticketStatus: part('ticket_status', () => parseTicketStatusBreakdown(o.ticket_status)),
    revenue: o.revenue === null || o.revenue === undefined ? null : part('revenue', () => parseRevenueSeries(o.revenue)),
    ticketAging: o.ticket_aging === undefined ? null : requireJson(o.ticket_aging, 'dashboard_sync.ticket_aging'),
    ...parseDeltaHead(o.delta_seq, o.delta_sent_at, 'dashboard_sync'),
  };
}

/**
 * A sync normally answers in milliseconds; one that hangs (a stalled proxy, a half-open socket)
 * would hold back every later sync, so it is aborted and counts as a network failure (status 0),
 * which the engine retries with backoff.
 */
export const SYNC_TIMEOUT_MS = 15_000;

/** Everything the overview and the feed need to move from the cursor to now, in one call and one snapshot. */
export async function syncDashboard(client: AppSupabaseClient, params: SyncParams): Promise<SyncSnapshot> {
  // null arguments are left out: the function's defaults are null
  const args: { p_after?: number; p_after_at?: string; p_epoch?: string; p_limit: number; p_revenue_from?: string; p_bucket: string; p_tz: string } = {
    p_limit: params.limit,
    p_bucket: params.bucket,
    p_tz: params.tz,
  };
  if (params.after !== null) args.p_after = params.after;
  if (params.after !== null && params.afterAt != null) args.p_after_at = params.afterAt;
  if (params.epoch !== null) args.p_epoch = params.epoch;
  if (params.revenueFrom !== null) args.p_revenue_from = params.revenueFrom;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), SYNC_TIMEOUT_MS);
  try {
    const { data, error, status } = await client.rpc('dashboard_sync', args).abortSignal(abort.signal);
    if (error) throw toApiError(error, status);
    return parseDashboardSync(data);
  } finally {
    clearTimeout(timer);
  }
}
