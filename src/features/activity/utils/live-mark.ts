import { initialChangeClock, positionOf, touchedSince } from '@/live/change-clock';
import type { ChangeClock, ClockPosition } from '@/live/types';
import type { TouchedEntities } from '@/live/types';

/**
 * Where the live state stands, as the activity page's readers (search, panel) see it: the log's
 * incarnation (`epoch`), the cursor in it, and the change clock. Ids only compare within one epoch:
 * after a truncate or a restore the cursor may go back, and everything read before is of another log.
 */
export interface LiveMark {
  epoch: string | null;
  cursor: number;
  changes: ChangeClock;
}

/** What a reader last read against. */
export interface SeenMark {
  epoch: string | null;
  cursor: number;
  clock: ClockPosition;
}

/**
 * - 'new-epoch': what was read belongs to another log: drop it and read again;
 * - 'reread': the cursor moved, or a change touched what the reader shows (`affects`);
 * - 'same': nothing the reader shows can have changed.
 */
export type MarkVerdict = 'same' | 'reread' | 'new-epoch';

export const NO_MARK: LiveMark = { epoch: null, cursor: 0, changes: initialChangeClock() };

export function seenAt(mark: LiveMark): SeenMark {
  return { epoch: mark.epoch, cursor: mark.cursor, clock: positionOf(mark.changes) };
}

/** Pure: the verdict for `mark`, and the reader's new position (it has now looked at everything up to `mark`). */
export function judgeMark(seen: SeenMark, mark: LiveMark, affects: (touched: TouchedEntities) => boolean): { seen: SeenMark; verdict: MarkVerdict } {
  const next: SeenMark = { epoch: mark.epoch ?? seen.epoch, cursor: mark.cursor, clock: positionOf(mark.changes) };
  if (seen.epoch !== null && mark.epoch !== null && mark.epoch !== seen.epoch) return { seen: next, verdict: 'new-epoch' };
  const clockMoved = next.clock.origin !== seen.clock.origin || next.clock.seq !== seen.clock.seq;
  if (mark.cursor !== seen.cursor || (clockMoved && affects(touchedSince(mark.changes, seen.clock)))) return { seen: next, verdict: 'reread' };
  const same = next.epoch === seen.epoch && !clockMoved;
  return { seen: same ? seen : next, verdict: 'same' };
}
