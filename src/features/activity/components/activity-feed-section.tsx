import { useLiveCommands, useDashboardStore, useSessionStore } from '@/live';
import { ActivityFeed } from './activity-feed';

export function ActivityFeedSection() {
  const feed = useDashboardStore((s) => s.feed);
  const role = useSessionStore((s) => s.user?.role ?? 'support');
  const { retry, loadOlderActivity } = useLiveCommands();
  return <ActivityFeed feed={feed} role={role} onLoadOlder={loadOlderActivity} onRetry={() => retry('feed')} />;
}
