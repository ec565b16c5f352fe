import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { getSupabaseClient } from '@/lib/supabase';
import { searchActivityFeed } from '../api/search-activity-feed';
import { createSearchController } from '../stores/search-store';
import type { ActivityFilter } from '../types';
import type { LiveMark } from '../utils/live-mark';

/**
 * The server's answer for `filter` (null: no search), re-read when the live state moves in a way
 * that can change it (see SearchController.liveMoved). One controller per mounted page, so nothing
 * found for one agent is shown to the next after a sign-in.
 */
export function useActivitySearch(filter: ActivityFilter | null, mark: LiveMark) {
  const [controller] = useState(() => createSearchController({ fetchPage: (p) => searchActivityFeed(getSupabaseClient(), p) }));
  useEffect(() => {
    controller.setFilter(filter, mark);
    controller.liveMoved(mark);
  }, [controller, filter, mark]);
  const state = useStore(controller.store);
  return { state, loadOlder: controller.loadOlder, retry: controller.retry };
}
