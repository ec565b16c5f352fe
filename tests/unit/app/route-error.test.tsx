import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as LiveModule from '@/live';
import { useConnectionStore, useDashboardStore, useSessionStore } from '@/live';
import { initialDashboardData } from '@/live/dashboard-reducer';
import { preloadAllRoutes } from '@/app/lazy-routes';
import { AppRoutes } from '@/app/router';
import { connectionFixture } from '../features/fixtures/dashboard';
import { installBrowserStubs } from '../features/fixtures/browser-stubs';

vi.mock('@/live', async (importOriginal) => ({
  ...(await importOriginal<typeof LiveModule>()),
  useLiveCommands: () => ({}),
}));

// The activity page crashes; the rest of the app must not.
vi.mock('@/app/routes/activity', () => ({
  ActivityRoute: () => {
    throw new Error('activity page broke');
  },
}));

beforeAll(() => preloadAllRoutes());

beforeEach(() => {
  installBrowserStubs();
  vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports the caught error
  useConnectionStore.setState({ ...connectionFixture });
  useDashboardStore.setState(initialDashboardData('7d'));
  useSessionStore.setState({ status: 'signed-in', user: { id: 's', email: 's@example.com', displayName: 'Sam', role: 'support' }, message: null });
});

describe('a page that fails', () => {
  it('shows the error in its place, and leaving it recovers', async () => {
    render(
      <MemoryRouter initialEntries={['/activity']}>
        <AppRoutes />
      </MemoryRouter>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('This page failed to load');
    expect(screen.getByRole('alert')).toHaveTextContent('activity page broke');
    await userEvent.click(screen.getByRole('link', { name: 'Back to the overview' }));
    expect(screen.getByRole('heading', { name: 'Overview', level: 1 })).toBeInTheDocument();
    expect(screen.queryByText('This page failed to load')).not.toBeInTheDocument();
  });
});
