import { useMemo } from 'react';
import { useDashboardStore } from '@/live';
import { NO_MARK, type LiveMark } from '../utils/live-mark';

/** The live state the activity page's readers follow: the log's epoch, the cursor, the change clock. */
export function useLiveMark(): LiveMark {
  const epoch = useDashboardStore((s) => s.epoch);
  const cursor = useDashboardStore((s) => s.cursor);
  // a leader tab of an older build publishes no clock: nothing is known to have changed
  const changes = useDashboardStore((s) => s.changes) ?? NO_MARK.changes;
  return useMemo(() => ({ epoch, cursor, changes }), [epoch, cursor, changes]);
}
