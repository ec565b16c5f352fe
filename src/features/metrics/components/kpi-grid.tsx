import type { Kpis, Loadable, StaffRole } from '@/live/types';
import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { kpiCountFor, toKpiCards } from '../utils/to-kpi-cards';
import { KpiCard } from './kpi-card';

export interface KpiGridProps {
  kpis: Loadable<Kpis>;
  role: StaffRole;
  onRetry: () => void;
  locale?: string;
}

function KpiSkeletons({ count }: { count: number }) {
  return (
    <div className="grid-kpis" role="status" aria-busy="true" aria-label="Loading key figures">
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="card kpi">
          <Skeleton width="50%" height="0.9rem" />
          <Skeleton width="70%" height="1.9rem" className="kpi__value-skeleton" />
          <Skeleton width="60%" height="0.8rem" />
        </div>
      ))}
    </div>
  );
}

/** The KPI cards. Keeps showing the last values while a refresh is loading or has failed. */
export function KpiGrid({ kpis, role, onRetry, locale }: KpiGridProps) {
  if (!kpis.data) {
    if (kpis.status === 'error') return <ErrorState title="Couldn't load the key figures" error={kpis.error} onRetry={onRetry} />;
    return <KpiSkeletons count={kpiCountFor(role)} />;
  }
  const { asOf } = kpis.data;
  const cards = toKpiCards(kpis.data, role, { locale });
  return (
    <div className="kpi-section">
      {kpis.error && (
        <ErrorState title="Couldn't refresh the key figures; showing the last values" error={kpis.error} onRetry={onRetry} />
      )}
      <div className="grid-kpis">
        {cards.map((card) => (
          <KpiCard key={card.id} card={card} asOf={asOf} locale={locale} />
        ))}
      </div>
    </div>
  );
}
