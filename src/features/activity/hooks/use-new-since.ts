import { useEffect, useState } from 'react';
import type { ActivityItem } from '@/live/types';
import { usePageVisible } from '@/components/ui/use-page-visible';
import { newestId } from '../utils/filter-activity';
import { browserStorage, readLastSeen, writeLastSeen } from '../utils/last-seen-storage';
import { initNewSince, newSinceReducer, unseenCount } from '../utils/new-since';

/**
 * Where the "new since your last visit" divider sits and how many items arrived while the tab was
 * hidden. The position is kept per user in localStorage (if the browser has it), with the log's
 * epoch: after a truncate or a restore it starts over (see new-since.ts).
 */
export function useNewSince(userId: string, epoch: string | null, feed: readonly ActivityItem[], storage: Storage | null = browserStorage()) {
  const visible = usePageVisible();
  const newest = newestId(feed);
  const [state, setState] = useState(() => {
    const stored = readLastSeen(storage, userId);
    return initNewSince(stored?.id ?? null, visible, stored?.epoch ?? null);
  });
  // derived from props during render (no effect round-trip): the log first, then visibility, then what arrived
  let next = newSinceReducer(state, { type: 'epoch', epoch, newest });
  next = newSinceReducer(newSinceReducer(next, { type: 'visibility', visible, newest }), { type: 'newest', id: newest });
  if (next !== state) setState(next);

  useEffect(() => {
    if (state.seenId !== null) writeLastSeen(storage, userId, { id: state.seenId, epoch: state.epoch });
  }, [storage, userId, state.seenId, state.epoch]);

  return { dividerId: state.dividerId, unseen: unseenCount(state, feed) };
}
