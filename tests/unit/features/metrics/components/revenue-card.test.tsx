import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RevenuePoint } from '@/live/types';
import { LazyRevenueChart } from '@/features/metrics/components/lazy-revenue-chart';
import { RevenueCard, type RevenueCardProps } from '@/features/metrics/components/revenue-card';
import { installBrowserStubs } from '../../fixtures/browser-stubs';

beforeAll(async () => {
  installBrowserStubs();
  // The chart's code (recharts) arrives before the tests, as the card's mount and the idle preload
  // fetch it in the app; importing it cold can outlast waitFor's second on a busy machine.
  await LazyRevenueChart.preload();
});

const points: RevenuePoint[] = [
  { bucketStart: '2026-11-20T00:00:00Z', revenueCents: 10_000, ordersCount: 2 },
  { bucketStart: '2026-11-21T00:00:00Z', revenueCents: 25_050, ordersCount: 3 },
];

function renderCard(props: Partial<RevenueCardProps> = {}) {
  const all: RevenueCardProps = {
    revenue: { status: 'ready', data: points, error: null },
    range: '7d',
    dataRange: '7d',
    onRangeChange: vi.fn(),
    onRetry: vi.fn(),
    locale: 'en-US',
    ...props,
  };
  render(<RevenueCard {...all} />);
  return all;
}

describe('RevenueCard', () => {
  it('shows a skeleton while loading', () => {
    renderCard({ revenue: { status: 'loading', data: null, error: null } });
    expect(screen.getByLabelText('Loading revenue')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download CSV' })).toBeDisabled();
  });

  it('shows a skeleton, not the old range, while another range loads', () => {
    renderCard({ range: '30d', dataRange: '7d' });
    expect(screen.getByLabelText('Loading revenue')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '30 d' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('offers a retry when loading failed', async () => {
    const props = renderCard({ revenue: { status: 'error', data: null, error: 'boom' } });
    await userEvent.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Retry' }));
    expect(props.onRetry).toHaveBeenCalledOnce();
  });

  it('says so when the range has no data', () => {
    renderCard({ revenue: { status: 'ready', data: [], error: null } });
    expect(screen.getByText('No revenue data for this range')).toBeInTheDocument();
  });

  it('charts the series with its total and lets the user pick a range', async () => {
    const props = renderCard();
    expect(screen.getByTestId('revenue-chart')).toHaveTextContent('$350.50 from 5 paid orders in the last 7 d');
    await waitFor(() => expect(screen.getByTestId('revenue-chart').querySelector('svg')).not.toBeNull());
    await userEvent.click(screen.getByRole('button', { name: '24 h' }));
    expect(props.onRangeChange).toHaveBeenCalledWith('24h');
  });

  it('downloads the series shown as CSV', async () => {
    let blob: Blob | null = null;
    URL.createObjectURL = vi.fn((b: Blob) => {
      blob = b;
      return 'blob:csv';
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderCard();
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(click).toHaveBeenCalledOnce();
    expect(await blob!.text()).toContain('2026-11-21T00:00:00.000Z,25050,250.50,3');
  });
});
