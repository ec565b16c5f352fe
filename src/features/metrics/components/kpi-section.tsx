import { useLiveCommands, useDashboardStore, useSessionStore } from '@/live';
import { KpiGrid } from './kpi-grid';

export function KpiSection() {
  const kpis = useDashboardStore((s) => s.kpis);
  const role = useSessionStore((s) => s.user?.role ?? 'support');
  const { retry } = useLiveCommands();
  return <KpiGrid kpis={kpis} role={role} onRetry={() => retry('kpis')} />;
}
