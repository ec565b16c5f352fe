import { LazyRevenueChart } from '@/features/metrics/components/lazy-revenue-chart';
import { lazyComponent } from '@/lib/lazy-component';
import { whenIdle } from '@/lib/when-idle';

// The signed-in pages, each in its own chunk so the first load carries only the shell (router,
// live engine, header, login). Every chunk is fetched ahead of use (see preloadRoute and
// preloadRoutesWhenIdle), so moving between pages never waits for code.
export const OverviewPage = lazyComponent(() => import('./routes/overview').then((m) => m.OverviewRoute), 'OverviewRoute');
export const ActivityPage = lazyComponent(() => import('./routes/activity').then((m) => m.ActivityRoute), 'ActivityRoute');

const byPath: Record<string, { preload(): Promise<void> }> = {
  '/': OverviewPage,
  '/activity': ActivityPage,
};

/** Fetches the code of the page at `to` (a path, with or without query); unknown paths are ignored. */
export function preloadRoute(to: string): void {
  const pathname = to.split(/[?#]/)[0]!.replace(/(.)\/+$/, '$1');
  byPath[pathname]?.preload().catch(() => undefined); // the render retries and reports a failure
}

/** Fetches every page's code; resolves when all of it has arrived. */
export function preloadAllRoutes(): Promise<void> {
  return Promise.all(Object.values(byPath).map((page) => page.preload())).then(() => undefined);
}

/** Fetches every page's code once the browser is idle after the first paint. */
export function preloadRoutesWhenIdle(): void {
  whenIdle(() => void preloadAllRoutes().catch(() => undefined));
}

/** The revenue chart is for admins only; fetched when idle once an admin is signed in. */
export function preloadAdminCodeWhenIdle(): void {
  whenIdle(() => void LazyRevenueChart.preload().catch(() => undefined));
}
