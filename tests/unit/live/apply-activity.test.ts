import { describe, expect, it } from 'vitest';
import { applyActivity, maxActivityId } from '@/live/apply-activity';
import type { ActivityItem } from '@/live/types';

const item = (id: number, kind: ActivityItem['kind'] = 'ticket_created'): ActivityItem => ({
  id, kind, entityType: 'ticket', entityId: `e${id}`, occurredAt: '2026-01-01T00:00:00.000Z', summary: {},
});

describe('applyActivity', () => {
  it('orders by id, newest first, whatever order items arrive in', () => {
    expect(applyActivity([item(5), item(2)], [item(3), item(7), item(1)], 10).map((i) => i.id)).toEqual([7, 5, 3, 2, 1]);
  });

  it('keeps one entry per id; the later copy wins', () => {
    const out = applyActivity([item(2), item(1)], [item(2, 'ticket_deleted'), item(2, 'ticket_deleted')], 10);
    expect(out.map((i) => i.id)).toEqual([2, 1]);
    expect(out[0]?.kind).toBe('ticket_deleted');
  });

  it('caps to the newest N', () => {
    const feed = Array.from({ length: 5 }, (_, i) => item(5 - i));
    expect(applyActivity(feed, [item(6), item(7)], 4).map((i) => i.id)).toEqual([7, 6, 5, 4]);
  });

  it('returns the same array when nothing changes', () => {
    const feed = [item(2), item(1)];
    expect(applyActivity(feed, [], 10)).toBe(feed);
  });

  it('finds the highest id', () => {
    expect(maxActivityId([item(3), item(9), item(4)], 0)).toBe(9);
    expect(maxActivityId([], 12)).toBe(12);
  });
});
