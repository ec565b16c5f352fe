import { useLiveCommands, useDashboardStore } from '@/live';
import { LatestActivity } from './latest-activity';

export function LatestActivitySection() {
  const feed = useDashboardStore((s) => s.feed);
  const { retry } = useLiveCommands();
  return <LatestActivity feed={feed} onRetry={() => retry('feed')} />;
}
