import { describe, expect, it } from 'vitest';
import { parseTicketAging, toTicketAgingLoadable } from '@/features/metrics/api/parse-ticket-aging';
import { ticketAgingFixture, ticketAgingJson } from '../../fixtures/ticket-aging';

describe('parseTicketAging', () => {
  it('reads dashboard_sync.ticket_aging into the four active statuses and the 30-day line', () => {
    expect(parseTicketAging(ticketAgingJson)).toEqual(ticketAgingFixture);
  });

  it('puts the statuses in workflow order and fills a missing one with zeros', () => {
    const shuffled = { ...ticketAgingJson, active: [ticketAgingJson.active[2], ticketAgingJson.active[0]] };
    const parsed = parseTicketAging(shuffled);
    expect(parsed.active.map((r) => `${r.status}:${r.count}`)).toEqual(['open:4', 'in_progress:0', 'waiting_parts:9', 'ready:0']);
    expect(parsed.active[1]).toMatchObject({ oldestCreatedAt: null, oldestSeconds: null });
  });

  it('accepts counts sent as strings (bigint) and rejects garbage with a clear error', () => {
    const strings = { ...ticketAgingJson, done_30d: { closed: '847', cancelled: '12' } };
    expect(parseTicketAging(strings).done30d).toEqual({ closed: 847, cancelled: 12 });
    expect(() => parseTicketAging(null)).toThrow(/ticket_aging/);
    expect(() => parseTicketAging({ ...ticketAgingJson, active: [{ ...ticketAgingJson.active[0], status: 'closed' }] })).toThrow(/status: closed/);
    expect(() => parseTicketAging({ active: [], done_30d: { closed: 'many', cancelled: 0 } })).toThrow(/done_30d.closed/);
  });
});

describe('toTicketAgingLoadable', () => {
  const sync = (status: 'loading' | 'ready' | 'error', error: string | null = null) => ({ status, data: null, error });

  it('is loading until a sync brought ticket_aging, and an error when that sync failed', () => {
    expect(toTicketAgingLoadable(null, sync('loading'))).toEqual({ status: 'loading', data: null, error: null });
    expect(toTicketAgingLoadable(null, sync('error', 'offline'))).toEqual({ status: 'error', data: null, error: 'offline' });
  });

  it('parses what the engine passed through, keeps a refresh error beside it, and shows garbage as an error', () => {
    expect(toTicketAgingLoadable(ticketAgingJson, sync('ready', 'timeout'))).toEqual({ status: 'ready', data: ticketAgingFixture, error: 'timeout' });
    expect(toTicketAgingLoadable({ active: 'x' }, sync('ready'))).toMatchObject({ status: 'error', data: null, error: expect.stringMatching(/ticket_aging/) });
  });
});
