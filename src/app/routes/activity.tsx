import { PageHeader } from '@/components/layouts/page-header';
import { ActivityFeedSection } from '@/features/activity/components/activity-feed-section';

export function ActivityRoute() {
  return (
    <>
      <title>Activity · Repair Shop</title>
      <PageHeader title="Activity" />
      <ActivityFeedSection />
    </>
  );
}
