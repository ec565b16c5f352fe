import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { getSupabaseClient } from '@/lib/supabase';
import { searchActivityFeed } from '../api/search-activity-feed';
import { createSearchController } from '../stores/search-store';
import type { ActivityFilter } from '../types';

/**
 * The server's answer for `filter` (null: no search), re-read when the live cursor moves. One
 * controller per mounted page, so nothing found for one agent is shown to the next after a sign-in.
 */
export function useActivitySearch(filter: ActivityFilter | null, cursor: number) {
  const [controller] = useState(() => createSearchController({ fetchPage: (p) => searchActivityFeed(getSupabaseClient(), p) }));
  useEffect(() => {
    controller.setFilter(filter, cursor);
    controller.cursorMoved(cursor);
  }, [controller, filter, cursor]);
  const state = useStore(controller.store);
  return { state, loadOlder: controller.loadOlder, retry: controller.retry };
}
