import { PageHeader } from '@/components/layouts/page-header';
import { LatestActivitySection } from '@/features/activity/components/latest-activity-section';
import { KpiSection } from '@/features/metrics/components/kpi-section';
import { RevenueSection } from '@/features/metrics/components/revenue-section';
import { TicketAgingSection } from '@/features/metrics/components/ticket-aging-section';
import { useSessionStore } from '@/live';

export function OverviewRoute() {
  const isAdmin = useSessionStore((s) => s.user?.role === 'admin');
  return (
    <>
      <title>Overview · Repair Shop</title>
      <PageHeader title="Overview" />
      <KpiSection />
      <div className={isAdmin ? 'grid-charts' : 'grid-charts grid-charts--single'}>
        {isAdmin && <RevenueSection />}
        <TicketAgingSection />
      </div>
      <LatestActivitySection />
    </>
  );
}
