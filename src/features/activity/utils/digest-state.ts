import type { ActivityItem } from '@/live/types';
import { newestId } from './filter-activity';
import { toDigest } from './to-digest';

const KEEP = 5;

/**
 * The screen-reader digest. Invariant: `baseline` is an id of the log `epoch`, the newest already
 * accounted for (null until the list's first load, which is not news); a digest names only items
 * of that epoch above it, at most one per tick. Another epoch is a new baseline, never news.
 */
export interface DigestState {
  tick: number;
  epoch: string | null;
  baseline: number | null;
  messages: { key: number; text: string }[];
}

export interface DigestInput {
  tick: number;
  epoch: string | null;
  items: readonly ActivityItem[];
  /** the list has loaded: what it holds from then on is the baseline, not "new" */
  loaded: boolean;
}

export function initialDigest({ tick, epoch, items, loaded }: DigestInput): DigestState {
  return { tick, epoch, baseline: loaded ? newestId(items) : null, messages: [] };
}

export function digestStep(state: DigestState, { tick, epoch, items, loaded }: DigestInput): DigestState {
  const top = newestId(items);
  if (epoch !== state.epoch) return { ...state, tick, epoch, baseline: loaded ? top : null };
  if (state.baseline === null) return loaded ? { ...state, baseline: top } : state;
  if (state.tick === tick) return state;
  const baseline = state.baseline;
  const text = toDigest(items.filter((i) => i.id > baseline));
  return {
    tick,
    epoch,
    baseline: Math.max(top, baseline),
    messages: text ? [...state.messages, { key: tick, text }].slice(-KEEP) : state.messages,
  };
}
