import { useEffect, useState } from 'react';
import type { ActivityItem } from '@/live/types';
import { usePageVisible } from '@/components/ui/use-page-visible';
import { newestId } from '../utils/filter-activity';
import { browserStorage, readLastSeen, writeLastSeen } from '../utils/last-seen-storage';
import { initNewSince, newSinceReducer, unseenCount } from '../utils/new-since';

/**
 * Where the "new since your last visit" divider sits and how many items arrived while the tab was
 * hidden. The position is kept per user in localStorage (if the browser has it).
 */
export function useNewSince(userId: string, feed: readonly ActivityItem[], storage: Storage | null = browserStorage()) {
  const visible = usePageVisible();
  const newest = newestId(feed);
  const [state, setState] = useState(() => initNewSince(readLastSeen(storage, userId), visible));
  // derived from props during render (no effect round-trip): visibility first, then what arrived
  const next = newSinceReducer(newSinceReducer(state, { type: 'visibility', visible, newest }), { type: 'newest', id: newest });
  if (next !== state) setState(next);

  useEffect(() => {
    if (state.seenId !== null) writeLastSeen(storage, userId, state.seenId);
  }, [storage, userId, state.seenId]);

  return { dividerId: state.dividerId, unseen: unseenCount(state, feed) };
}
