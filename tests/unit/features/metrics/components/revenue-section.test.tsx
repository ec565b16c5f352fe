import { act, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useDashboardStore, useSessionStore } from '@/live';
import { initialDashboardData } from '@/live/dashboard-reducer';
import type { RevenuePoint } from '@/live/types';
import { KpiSection } from '@/features/metrics/components/kpi-section';
import { LazyRevenueChart } from '@/features/metrics/components/lazy-revenue-chart';
import { RevenueSection } from '@/features/metrics/components/revenue-section';
import { installBrowserStubs } from '../../fixtures/browser-stubs';
import { kpisFixture } from '../../fixtures/dashboard';

const day = (d: number, revenueCents: number): RevenuePoint => ({ bucketStart: `2026-11-${d}T00:00:00Z`, revenueCents, ordersCount: 1 });
const before = [day(20, 10_000), day(21, 20_000)];
const after = [day(20, 10_000), day(21, 30_000)];
const flag = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };

beforeAll(async () => {
  installBrowserStubs();
  await LazyRevenueChart.preload();
});

afterEach(() => {
  flag.IS_REACT_ACT_ENVIRONMENT = true;
});

describe('RevenueSection beside the KPI cards', () => {
  it('lets a change reach the KPI cards before the chart redraws (the chart follows at once after)', async () => {
    useSessionStore.setState({ status: 'signed-in', user: { id: 'u1', email: 'a@example.com', displayName: 'Admin', role: 'admin' }, message: null });
    useDashboardStore.setState({
      ...initialDashboardData('7d'),
      kpis: { status: 'ready', data: kpisFixture, error: null },
      revenue: { status: 'ready', data: before, error: null, range: '7d' },
    });
    render(
      <MemoryRouter initialEntries={['/?range=7d']}>
        <KpiSection />
        <RevenueSection />
      </MemoryRouter>,
    );
    const caption = await screen.findByText(/from 2 paid orders/);
    expect(caption).toHaveTextContent('$300.00');

    // a live change as the engine delivers it: outside any React event, KPIs and series together
    flag.IS_REACT_ACT_ENVIRONMENT = false;
    const kpi = screen.getByTestId('kpi-total-revenue');
    const committed = new Promise<void>((resolve) => {
      new MutationObserver((_, observer) => {
        observer.disconnect();
        resolve();
      }).observe(kpi, { attributes: true, attributeFilter: ['data-value'] });
    });
    useDashboardStore.setState({
      kpis: { status: 'ready', data: { ...kpisFixture, totalRevenueCents: kpisFixture.totalRevenueCents! + 10_000 }, error: null },
      revenue: { status: 'ready', data: after, error: null, range: '7d' },
    });
    await committed;
    // the commit that shows the new KPI has not waited for the chart
    expect(kpi).toHaveAttribute('data-value', String(kpisFixture.totalRevenueCents! + 10_000));
    expect(caption).toHaveTextContent('$300.00');
    // then the chart and its caption follow by themselves
    await waitFor(() => expect(screen.getByText(/from 2 paid orders/)).toHaveTextContent('$400.00'));
    flag.IS_REACT_ACT_ENVIRONMENT = true;
    act(() => useDashboardStore.setState(initialDashboardData('7d')));
  });
});
