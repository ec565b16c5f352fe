import type { ActivityItem, ActivityPage, EntityType } from '@/live/types';
import type { SearchActivityFeedParams } from '@/features/activity/api/search-activity-feed';
import type { ActivityFilter } from '@/features/activity/types';

const WORDS = ['jane', 'iphone', 'pixel', 'ann', 'screen', 'battery'];
const TYPES: EntityType[] = ['ticket', 'order', 'customer', 'product'];

export interface PendingCall {
  params: SearchActivityFeedParams;
  /** the answer as the database had it when the call arrived */
  answer: ActivityPage;
  resolve: (page: ActivityPage) => void;
  reject: (error: Error) => void;
}

/** The activity log and activity_feed's matching rule, with every answer held until the test lets it land. */
export function fakeSearchServer(rand: { int: (n: number) => number; pick: <T>(xs: readonly T[]) => T }) {
  const log: ActivityItem[] = [];
  const pending: PendingCall[] = [];
  let nextId = 1;

  const matches = (item: ActivityItem, f: ActivityFilter) =>
    (f.kind === null || item.entityType === f.kind) &&
    (f.q === '' || f.q.split(' ').every((w) => String(item.summary.text).includes(w)));

  /** matching rows, newest first */
  const answerFor = (f: ActivityFilter) => log.filter((i) => matches(i, f)).sort((a, b) => b.id - a.id);

  function write(n: number) {
    for (let k = 0; k < n; k += 1) {
      const id = nextId++;
      const text = `${rand.pick(WORDS)} ${rand.pick(WORDS)}`;
      log.push({ id, kind: 'ticket_created', entityType: rand.pick(TYPES), entityId: `e-${id}`, occurredAt: '2026-12-01T00:00:00Z', summary: { text } });
    }
    return nextId - 1;
  }

  function fetchPage(params: SearchActivityFeedParams): Promise<ActivityPage> {
    const all = answerFor(params.filter).filter((i) => params.before === undefined || i.id < params.before);
    const rows = all.slice(0, params.limit);
    const answer: ActivityPage = { items: rows, rowCount: rows.length, maxId: rows[0]?.id ?? null, skipped: 0 };
    return new Promise((resolve, reject) => pending.push({ params, answer, resolve, reject }));
  }

  return { log, pending, write, fetchPage, answerFor, matches, words: WORDS, types: TYPES };
}
