import type { ActivityItem } from '@/live/types';

/**
 * "New since last visit". `seenId` is the newest id the agent has had on a visible /activity
 * page; `dividerId` is where the divider sits: what was seen before this look began. Both are ids
 * of the log `epoch` (null: not known yet, e.g. a position stored before epochs were kept).
 * Invariants: within one epoch, seenId never decreases; it only moves while the page is visible;
 * the divider only moves when the page becomes visible again after something arrived unseen.
 * Another epoch (the log was truncated or restored) starts over: no divider, and what the new log
 * holds when it is first seen is the baseline, visible or not (so the title counts from there).
 */
export interface NewSinceState {
  epoch: string | null;
  dividerId: number | null;
  seenId: number | null;
  visible: boolean;
}

export type NewSinceEvent =
  | { type: 'newest'; id: number }
  | { type: 'visibility'; visible: boolean; newest: number }
  /** the feed's epoch, with the newest id it holds in that epoch */
  | { type: 'epoch'; epoch: string | null; newest: number };

/** `stored`: what this agent had seen at their last visit (null: never, so nothing is marked new), in the log `epoch`. */
export function initNewSince(stored: number | null, visible: boolean, epoch: string | null = null): NewSinceState {
  return { epoch, dividerId: stored, seenId: stored, visible };
}

function see(state: NewSinceState, id: number): NewSinceState {
  if (id <= 0) return state;
  if (state.seenId === null) return { ...state, seenId: id };
  return id > state.seenId ? { ...state, seenId: id } : state;
}

export function newSinceReducer(state: NewSinceState, event: NewSinceEvent): NewSinceState {
  if (event.type === 'epoch') {
    if (event.epoch === null || event.epoch === state.epoch) return state;
    if (state.epoch === null) return { ...state, epoch: event.epoch };
    return { epoch: event.epoch, dividerId: null, seenId: Math.max(0, event.newest), visible: state.visible };
  }
  if (event.type === 'newest') {
    // a hidden first visit still needs a baseline, or everything would count as unseen
    return state.visible || state.seenId === null ? see(state, event.id) : state;
  }
  if (event.visible === state.visible) return state.visible ? see(state, event.newest) : state;
  if (!event.visible) return { ...state, visible: false };
  const arrived = state.seenId !== null && event.newest > state.seenId;
  return see({ ...state, visible: true, dividerId: arrived ? state.seenId : state.dividerId }, event.newest);
}

/** Items that arrived while the page was hidden (for the tab title). */
export function unseenCount(state: NewSinceState, items: readonly ActivityItem[]): number {
  if (state.visible || state.seenId === null) return 0;
  const seen = state.seenId;
  return items.reduce((n, i) => (i.id > seen ? n + 1 : n), 0);
}

/** Index of the first item the divider goes above; null when there is nothing new above old items. */
export function dividerIndex(items: readonly ActivityItem[], dividerId: number | null): number | null {
  if (dividerId === null) return null;
  const index = items.findIndex((i) => i.id <= dividerId);
  return index > 0 ? index : null;
}

export function toTabTitle(base: string, unseen: number): string {
  return unseen > 0 ? `(${unseen > 99 ? '99+' : unseen}) ${base}` : base;
}
