import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation, type Location } from 'react-router-dom';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as LiveModule from '@/live';
import type { LiveCommands, StaffUser } from '@/live/types';
import { useConnectionStore, useDashboardStore, useSessionStore } from '@/live';
import { initialDashboardData } from '@/live/dashboard-reducer';
import { preloadAllRoutes } from '@/app/lazy-routes';
import { AppRoutes } from '@/app/router';
import { activityFixture, connectionFixture, kpisFixture, supportKpisFixture } from '../features/fixtures/dashboard';
import { installBrowserStubs } from '../features/fixtures/browser-stubs';
import { ticketAgingJson } from '../features/fixtures/ticket-aging';

const commands = vi.hoisted(() => ({
  pause: vi.fn(),
  resume: vi.fn(),
  setRevenueRange: vi.fn(),
  loadOlderActivity: vi.fn(),
  retry: vi.fn(),
  signIn: vi.fn(),
  signOut: vi.fn(),
})) satisfies LiveCommands;

vi.mock('@/live', async (importOriginal) => ({
  ...(await importOriginal<typeof LiveModule>()),
  useLiveCommands: () => commands,
}));

const admin: StaffUser = { id: 'a', email: 'admin@example.com', displayName: 'Alex Admin', role: 'admin' };
const support: StaffUser = { id: 's', email: 'support@example.com', displayName: 'Sam Support', role: 'support' };

function renderAt(path: string) {
  const router = { location: null as unknown as Location };
  function LocationProbe() {
    router.location = useLocation();
    return null;
  }
  render(
    <MemoryRouter initialEntries={[path]}>
      <AppRoutes />
      <LocationProbe />
    </MemoryRouter>,
  );
  return router;
}

function signedIn(user: StaffUser) {
  useSessionStore.setState({ status: 'signed-in', user, message: null });
  useDashboardStore.setState({
    ...initialDashboardData('7d'),
    kpis: { status: 'ready', data: user.role === 'admin' ? kpisFixture : supportKpisFixture, error: null },
    revenue: {
      status: 'ready',
      data: user.role === 'admin' ? [{ bucketStart: '2026-11-22T00:00:00Z', revenueCents: 5000, ordersCount: 1 }] : null,
      error: null,
      range: '7d',
    },
    ticketStatus: { status: 'ready', data: [{ status: 'open', count: 3 }], error: null },
    ticketAging: ticketAgingJson,
    feed: { items: activityFixture(25), status: 'ready', error: null, hasMore: true, loadingOlder: false, generation: 1 },
  });
}

// A warm page: the pages' code has arrived, as the app preloads it (a cold page is in lazy-component.test).
beforeAll(() => preloadAllRoutes());

beforeEach(() => {
  installBrowserStubs();
  Object.values(commands).forEach((fn) => fn.mockReset());
  commands.signIn.mockResolvedValue({ error: null });
  commands.signOut.mockResolvedValue(undefined);
  useConnectionStore.setState({ ...connectionFixture });
  useDashboardStore.setState(initialDashboardData('7d'));
});

describe('routes', () => {
  it('waits for the session before deciding', () => {
    useSessionStore.setState({ status: 'loading', user: null, message: null });
    renderAt('/');
    expect(screen.getByRole('status')).toHaveTextContent('Checking your session');
  });

  it('sends a signed-out visitor to the login, with the reason', () => {
    useSessionStore.setState({ status: 'signed-out', user: null, message: 'Your session expired. Please sign in again.' });
    const router = renderAt('/activity');
    expect(router.location.pathname).toBe('/login');
    expect(screen.getByRole('heading', { name: 'Sign in to the dashboard' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session expired');
  });

  it('signs in and returns to the page first asked for', async () => {
    useSessionStore.setState({ status: 'signed-out', user: null, message: null });
    commands.signIn.mockImplementation(async () => {
      signedIn(admin);
      return { error: null };
    });
    const router = renderAt('/activity');
    await userEvent.type(screen.getByLabelText('Email'), 'admin@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'password123');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(commands.signIn).toHaveBeenCalledWith('admin@example.com', 'password123');
    expect(router.location.pathname).toBe('/activity');
    expect(await screen.findByRole('heading', { name: 'Activity', level: 1 })).toBeInTheDocument();
  });

  it('shows an admin the whole overview and the header', async () => {
    signedIn(admin);
    renderAt('/?range=7d');
    for (const id of ['kpi-total-revenue', 'kpi-active-repairs', 'kpi-new-tickets-24h', 'kpi-products-sold', 'revenue-chart']) {
      expect(screen.getByTestId(id)).toBeInTheDocument();
    }
    expect(screen.getByRole('heading', { name: 'Tickets needing work' })).toBeInTheDocument();
    expect(screen.getAllByTestId('ticket-aging-row')).toHaveLength(4);
    expect(within(screen.getByRole('heading', { name: 'Latest activity' }).closest('section')!).getAllByTestId('activity-item')).toHaveLength(20);
    const header = screen.getByRole('banner');
    expect(within(header).getByText('Alex Admin')).toBeInTheDocument();
    expect(within(header).getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
    expect(commands.setRevenueRange).not.toHaveBeenCalled();
  });

  it('links each overview item to its panel on /activity', () => {
    signedIn(admin);
    renderAt('/');
    const latest = screen.getByRole('heading', { name: 'Latest activity' }).closest('section')!;
    const first = within(latest).getAllByTestId('activity-item')[0]!;
    expect(within(first).getByRole('link')).toHaveAttribute('href', '/activity?open=ticket%3At-100');
  });

  it('asks the engine for the range in the URL', () => {
    signedIn(admin);
    renderAt('/?range=30d');
    expect(commands.setRevenueRange).toHaveBeenCalledWith('30d');
    expect(screen.getByRole('button', { name: '30 d' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('changes the URL when another range is picked', async () => {
    signedIn(admin);
    const router = renderAt('/');
    await userEvent.click(screen.getByRole('button', { name: '90 d' }));
    expect(router.location.search).toBe('?range=90d');
    expect(commands.setRevenueRange).toHaveBeenLastCalledWith('90d');
  });

  it('shows support no revenue, orders or products sold', () => {
    signedIn(support);
    renderAt('/');
    expect(screen.getByTestId('kpi-active-repairs')).toBeInTheDocument();
    expect(screen.queryByTestId('kpi-total-revenue')).not.toBeInTheDocument();
    expect(screen.queryByTestId('kpi-products-sold')).not.toBeInTheDocument();
    expect(screen.queryByTestId('revenue-chart')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Revenue' })).not.toBeInTheDocument();
  });

  it('pauses and resumes live updates from the header', async () => {
    signedIn(admin);
    renderAt('/');
    await userEvent.click(screen.getByTestId('live-toggle'));
    expect(commands.pause).toHaveBeenCalledOnce();
    act(() => useConnectionStore.setState({ state: 'paused' }));
    expect(screen.getByTestId('connection-status')).toHaveAttribute('data-state', 'paused');
    await userEvent.click(screen.getByRole('button', { name: 'Resume live updates' }));
    expect(commands.resume).toHaveBeenCalledOnce();
  });

  it('retries a failed part', async () => {
    signedIn(admin);
    useDashboardStore.setState({ ticketAging: null, ticketStatus: { status: 'error', data: null, error: 'down' } });
    renderAt('/');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(commands.retry).toHaveBeenCalledWith('ticketStatus');
  });

  it('moves between preloaded pages without a loading fallback', async () => {
    signedIn(admin);
    const router = renderAt('/');
    await userEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Activity' }));
    expect(router.location.pathname).toBe('/activity');
    expect(screen.getByRole('heading', { name: 'Activity', level: 1 })).toBeInTheDocument();
    expect(screen.queryByText('Loading the page…')).not.toBeInTheDocument();
    await userEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Overview' }));
    expect(screen.getByRole('heading', { name: 'Overview', level: 1 })).toBeInTheDocument();
    expect(screen.queryByText('Loading the page…')).not.toBeInTheDocument();
  });

  it('shows the full feed and loads older items on request', async () => {
    signedIn(admin);
    renderAt('/activity');
    expect(screen.getAllByTestId('activity-item')).toHaveLength(25);
    await userEvent.click(screen.getByRole('button', { name: 'Load older activity' }));
    expect(commands.loadOlderActivity).toHaveBeenCalled();
  });

  it('signs out back to the login', async () => {
    signedIn(admin);
    commands.signOut.mockImplementation(async () => {
      useSessionStore.setState({ status: 'signed-out', user: null, message: null });
    });
    const router = renderAt('/');
    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(commands.signOut).toHaveBeenCalledOnce();
    expect(router.location.pathname).toBe('/login');
  });
});
