import { PageHeader } from '@/components/layouts/page-header';
import { ActivityPage } from '@/features/activity/components/activity-page';

export function ActivityRoute() {
  return (
    <>
      <PageHeader title="Activity" />
      <ActivityPage />
    </>
  );
}
