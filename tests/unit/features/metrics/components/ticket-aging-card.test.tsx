import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Loadable } from '@/live/types';
import type { TicketAgingSummary } from '@/features/metrics/types';
import { TicketAgingCard } from '@/features/metrics/components/ticket-aging-card';
import { NOW, ticketAgingFixture } from '../../fixtures/ticket-aging';

function setup(ticketAging: Loadable<TicketAgingSummary>) {
  const onRetry = vi.fn();
  render(<TicketAgingCard ticketAging={ticketAging} now={NOW} onRetry={onRetry} locale="en-US" />);
  return { onRetry };
}

describe('TicketAgingCard', () => {
  it('lists the four active statuses with count, oldest age and urgent/high apart', () => {
    setup({ status: 'ready', data: ticketAgingFixture, error: null });
    const card = screen.getByTestId('ticket-aging');
    expect(within(card).getByRole('heading', { name: 'Tickets needing work' })).toBeInTheDocument();
    const rows = within(card).getAllByTestId('ticket-aging-row');
    expect(rows.map((r) => r.dataset.status)).toEqual(['open', 'in_progress', 'waiting_parts', 'ready']);
    const waiting = rows[2]!;
    expect(waiting).toHaveAttribute('data-count', '9');
    expect(waiting).toHaveAttribute('data-oldest-seconds', String(3 * 86400 + 100));
    expect(waiting).toHaveTextContent('Waiting parts · 9 · oldest 3 d');
    expect(within(waiting).getByText('2 urgent')).toBeInTheDocument();
    expect(within(waiting).getByText('3 high')).toBeInTheDocument();
    // an empty status has no age and no flags
    expect(rows[3]).toHaveAttribute('data-oldest-seconds', '');
    expect(rows[3]).toHaveTextContent(/^Ready · 0$/);
    expect(within(card).getByText('Last 30 days: 847 closed · 12 cancelled')).toHaveClass('muted');
  });

  it('shows a skeleton while the first sync is under way', () => {
    setup({ status: 'loading', data: null, error: null });
    expect(screen.getByLabelText('Loading tickets')).toHaveAttribute('aria-busy', 'true');
    expect(screen.queryAllByTestId('ticket-aging-row')).toHaveLength(0);
  });

  it('offers a retry when it could not load, and keeps the rows when only a refresh failed', async () => {
    const { onRetry } = setup({ status: 'error', data: null, error: 'network down' });
    expect(screen.getByRole('alert')).toHaveTextContent("Couldn't load tickets");
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('keeps what it shows when a refresh failed', () => {
    setup({ status: 'ready', data: ticketAgingFixture, error: 'timeout' });
    expect(screen.getByRole('alert')).toHaveTextContent("Couldn't refresh tickets");
    expect(screen.getAllByTestId('ticket-aging-row')).toHaveLength(4);
  });
});
