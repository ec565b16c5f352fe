import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { KpiGrid } from '@/features/metrics/components/kpi-grid';
import { kpisFixture, supportKpisFixture } from '../../fixtures/dashboard';

describe('KpiGrid', () => {
  it('shows skeletons while the first load is under way', () => {
    render(<KpiGrid kpis={{ status: 'loading', data: null, error: null }} role="admin" onRetry={() => {}} locale="en-US" />);
    expect(screen.getByLabelText('Loading key figures')).toHaveAttribute('aria-busy', 'true');
    expect(screen.queryByTestId('kpi-total-revenue')).not.toBeInTheDocument();
  });

  it('offers a retry when the first load failed', async () => {
    const onRetry = vi.fn();
    render(<KpiGrid kpis={{ status: 'error', data: null, error: 'network down' }} role="admin" onRetry={onRetry} />);
    expect(screen.getByRole('alert')).toHaveTextContent('network down');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('shows an admin all four figures with raw values, change and as-of time', () => {
    render(<KpiGrid kpis={{ status: 'ready', data: kpisFixture, error: null }} role="admin" onRetry={() => {}} locale="en-US" />);
    const revenue = screen.getByTestId('kpi-total-revenue');
    expect(revenue).toHaveAttribute('data-value', '1234567');
    expect(within(revenue).getByRole('heading', { name: 'Total Revenue' })).toBeInTheDocument();
    expect(revenue).toHaveTextContent('$12,345.67');
    expect(revenue).toHaveTextContent('+23.5% (+$2,345.67)');
    expect(within(revenue).getByText(/As of/).querySelector('time')).toHaveAttribute('datetime', kpisFixture.asOf);
    expect(screen.getByTestId('kpi-active-repairs')).toHaveAttribute('data-value', '17');
    expect(screen.getByTestId('kpi-new-tickets-24h')).toHaveAttribute('data-value', '9');
    expect(screen.getByTestId('kpi-products-sold')).toHaveAttribute('data-value', '321');
  });

  it('leaves revenue and products sold out for support', () => {
    render(<KpiGrid kpis={{ status: 'ready', data: supportKpisFixture, error: null }} role="support" onRetry={() => {}} />);
    expect(screen.queryByTestId('kpi-total-revenue')).not.toBeInTheDocument();
    expect(screen.queryByTestId('kpi-products-sold')).not.toBeInTheDocument();
    expect(screen.queryByText(/revenue/i)).not.toBeInTheDocument();
    expect(screen.getAllByRole('article')).toHaveLength(2);
  });

  it('keeps the last values when a refresh fails, with a retry', async () => {
    const onRetry = vi.fn();
    render(<KpiGrid kpis={{ status: 'ready', data: kpisFixture, error: 'timeout' }} role="admin" onRetry={onRetry} />);
    expect(screen.getByTestId('kpi-active-repairs')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });
});
