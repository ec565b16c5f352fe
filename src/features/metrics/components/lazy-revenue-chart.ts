import { lazyComponent } from '@/lib/lazy-component';

/**
 * The revenue chart (recharts, the largest dependency) in its own chunk. The revenue card shows a
 * skeleton of the chart's height until it arrives; the card starts the download when it mounts and
 * the app preloads it for admins when idle, so the chart rarely waits for it.
 */
export const LazyRevenueChart = lazyComponent(() => import('./revenue-chart').then((m) => m.RevenueChart), 'RevenueChart');
