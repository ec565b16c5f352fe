import { describe, expect, it } from 'vitest';
import type { ActivityItem, EntityType } from '@/live/types';
import { newestId, pendingOverflow, splitAtPause } from '@/features/activity/utils/filter-activity';
import { formatRelativeTime } from '@/features/activity/utils/format-relative-time';
import { newTicketsSince } from '@/features/activity/utils/ticket-alerts';
import { toDigest } from '@/features/activity/utils/to-digest';

function item(id: number, entityType: EntityType, kind: ActivityItem['kind'] = 'ticket_created'): ActivityItem {
  return { id, kind, entityType, entityId: `e${id}`, occurredAt: '2026-11-22T22:00:00Z', summary: {} };
}

// newest first, as the store keeps them
const items = [item(6, 'order', 'order_placed'), item(5, 'ticket'), item(4, 'customer', 'customer_registered'), item(3, 'ticket')];

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-11-22T22:00:00Z');
  it('counts back from the now it is given', () => {
    expect(formatRelativeTime('2026-11-22T22:00:00Z', now, 'en-US')).toBe('just now');
    expect(formatRelativeTime('2026-11-22T21:59:18Z', now, 'en-US')).toBe('42 seconds ago');
    expect(formatRelativeTime('2026-11-22T21:57:00Z', now, 'en-US')).toBe('3 minutes ago');
    expect(formatRelativeTime('2026-11-22T19:00:00Z', now, 'en-US')).toBe('3 hours ago');
    expect(formatRelativeTime('2026-11-21T20:00:00Z', now, 'en-US')).toBe('yesterday');
  });

  it('ticks: the same time reads differently a minute later', () => {
    const at = '2026-11-22T21:59:30Z';
    expect(formatRelativeTime(at, now, 'en-US')).toBe('30 seconds ago');
    expect(formatRelativeTime(at, now + 60_000, 'en-US')).toBe('1 minute ago');
  });
});

describe('splitAtPause', () => {
  it('holds back what arrived after the pause', () => {
    const { visible, pending } = splitAtPause(items, 4);
    expect(visible.map((i) => i.id)).toEqual([4, 3]);
    expect(pending.map((i) => i.id)).toEqual([6, 5]);
  });

  it('keeps held items the capped feed has dropped, newest first, and says when the count is a floor', () => {
    const held = [item(2, 'ticket'), item(1, 'order', 'order_placed')];
    const { visible, pending } = splitAtPause([item(9, 'ticket'), item(8, 'ticket'), item(2, 'ticket')], 2, held);
    expect(visible.map((i) => i.id)).toEqual([2, 1]);
    expect(pending.map((i) => i.id)).toEqual([9, 8]);
    expect(pendingOverflow([item(9, 'ticket'), item(8, 'ticket')], 2)).toBe(true);
    expect(pendingOverflow([item(9, 'ticket'), item(2, 'ticket')], 2)).toBe(false);
    expect(pendingOverflow([item(9, 'ticket')], null)).toBe(false);
  });

  it('shows everything when not paused', () => {
    expect(splitAtPause(items, null).visible).toHaveLength(4);
    expect(newestId(items)).toBe(6);
    expect(newestId([])).toBe(0);
  });
});

describe('toDigest', () => {
  it('sums up a burst in one sentence', () => {
    expect(toDigest(items)).toBe('4 new events: 1 order update, 2 ticket updates, 1 customer update');
    expect(toDigest([items[1]!])).toBe('1 new event: 1 ticket update');
    expect(toDigest([])).toBe('');
  });
});

describe('newTicketsSince', () => {
  it('finds created tickets after an id, oldest first', () => {
    expect(newTicketsSince(items, 3).map((i) => i.id)).toEqual([5]);
    expect(newTicketsSince(items, 0).map((i) => i.id)).toEqual([3, 5]);
  });
});
