import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TicketStatusCard } from '@/features/metrics/components/ticket-status-card';
import { installBrowserStubs } from '../../fixtures/browser-stubs';

beforeAll(() => {
  installBrowserStubs();
});

describe('TicketStatusCard', () => {
  it('shows a skeleton while loading', () => {
    render(<TicketStatusCard ticketStatus={{ status: 'loading', data: null, error: null }} onRetry={() => {}} />);
    expect(screen.getByLabelText('Loading tickets by status')).toBeInTheDocument();
  });

  it('offers a retry on error', async () => {
    const onRetry = vi.fn();
    render(<TicketStatusCard ticketStatus={{ status: 'error', data: null, error: 'nope' }} onRetry={onRetry} />);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('says so when there are no tickets', () => {
    render(
      <TicketStatusCard ticketStatus={{ status: 'ready', data: [{ status: 'open', count: 0 }], error: null }} onRetry={() => {}} />,
    );
    expect(screen.getByText('No tickets yet')).toBeInTheDocument();
  });

  it('lists every status with its count', () => {
    render(
      <TicketStatusCard
        ticketStatus={{ status: 'ready', data: [{ status: 'in_progress', count: 4 }, { status: 'ready', count: 1 }], error: null }}
        onRetry={() => {}}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Tickets by status' })).toBeInTheDocument();
    expect(screen.getByText(/Open: 0, In progress: 4, Waiting parts: 0, Ready: 1/)).toBeInTheDocument();
  });
});
