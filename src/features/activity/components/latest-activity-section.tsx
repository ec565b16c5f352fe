import { useLiveCommands } from '@/live';
import { useDashboardStore } from '@/live/stores/dashboard-store';
import { LatestActivity } from './latest-activity';

export function LatestActivitySection() {
  const feed = useDashboardStore((s) => s.feed);
  const { retry } = useLiveCommands();
  return <LatestActivity feed={feed} onRetry={() => retry('feed')} />;
}
