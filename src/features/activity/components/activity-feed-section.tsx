import { useLiveCommands } from '@/live';
import { useDashboardStore } from '@/live/stores/dashboard-store';
import { useSessionStore } from '@/live/stores/session-store';
import { ActivityFeed } from './activity-feed';

export function ActivityFeedSection() {
  const feed = useDashboardStore((s) => s.feed);
  const role = useSessionStore((s) => s.user?.role ?? 'support');
  const { retry, loadOlderActivity } = useLiveCommands();
  return <ActivityFeed feed={feed} role={role} onLoadOlder={loadOlderActivity} onRetry={() => retry('feed')} />;
}
