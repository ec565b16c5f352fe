import { useCallback } from 'react';
import type { ActivityItem } from '@/live/types';
import { useLiveCommands, useDashboardStore, useSessionStore } from '@/live';
import { canOpen } from '../utils/can-open';
import { toViewSearch, EMPTY_FILTER } from '../utils/view-params';
import { LatestActivity } from './latest-activity';

export function LatestActivitySection() {
  const feed = useDashboardStore((s) => s.feed);
  const role = useSessionStore((s) => s.user?.role ?? 'support');
  const { retry } = useLiveCommands();
  const linkFor = useCallback(
    (item: ActivityItem) =>
      canOpen(role, item.entityType)
        ? { to: `/activity?${toViewSearch({ ...EMPTY_FILTER, open: { type: item.entityType, id: item.entityId } })}` }
        : null,
    [role],
  );
  return <LatestActivity feed={feed} onRetry={() => retry('feed')} linkFor={linkFor} />;
}
