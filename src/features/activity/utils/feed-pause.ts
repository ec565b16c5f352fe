import type { ActivityItem } from '@/live/types';
import { newestId, splitAtPause } from './filter-activity';

/**
 * /activity's "Pause feed" (the view only). Invariant: while paused, `pausedAtId` and `held` are of
 * the log `epoch`: what is shown is `held` plus the feed's items at or below the cut, newer ones
 * wait. Another epoch while paused (the log truncated or restored) cuts again at the new log's
 * newest item: ids of two logs never compare.
 */
export interface FeedPause {
  epoch: string | null;
  /** null: not paused */
  pausedAtId: number | null;
  /** what reached the screen while paused, kept even once the capped feed drops it */
  held: readonly ActivityItem[];
}

export type FeedPauseEvent =
  | { type: 'pause'; epoch: string | null; items: readonly ActivityItem[] }
  | { type: 'resume' }
  | { type: 'feed'; epoch: string | null; items: readonly ActivityItem[] };

export const NOT_PAUSED: FeedPause = { epoch: null, pausedAtId: null, held: [] };

export function feedPauseStep(state: FeedPause, event: FeedPauseEvent): FeedPause {
  switch (event.type) {
    case 'pause':
      return { epoch: event.epoch, pausedAtId: newestId(event.items), held: event.items };
    case 'resume':
      return NOT_PAUSED;
    case 'feed': {
      if (state.pausedAtId === null) return state;
      if (event.epoch !== state.epoch) return feedPauseStep(state, { ...event, type: 'pause' });
      const visible = splitAtPause(event.items, state.pausedAtId, state.held).visible;
      return visible.length === state.held.length ? state : { ...state, held: visible };
    }
  }
}
