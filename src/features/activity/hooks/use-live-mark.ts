import { useMemo } from 'react';
import { useDashboardStore } from '@/live';
import type { LiveMark } from '../utils/live-mark';

/** The live state the activity page's readers follow: the log's epoch, the cursor, the change clock. */
export function useLiveMark(): LiveMark {
  const epoch = useDashboardStore((s) => s.epoch);
  const cursor = useDashboardStore((s) => s.cursor);
  const changes = useDashboardStore((s) => s.changes);
  return useMemo(() => ({ epoch, cursor, changes }), [epoch, cursor, changes]);
}
