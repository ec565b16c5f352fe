import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useDashboardStore } from '@/live';
import { ApiError } from '@/lib/api-error';
import { getEntityDetail } from '@/features/activity/api/get-entity-detail';
import { installBrowserStubs } from '../../fixtures/browser-stubs';
import { admin, ORDER_ID, pageFeed, renderActivity, signIn, support, TICKET_ID, ticketDetail } from '../../fixtures/activity-page';

vi.mock('@/lib/supabase', () => ({ getSupabaseClient: vi.fn(() => ({})) }));
vi.mock('@/features/activity/api/get-entity-detail', () => ({ getEntityDetail: vi.fn() }));
vi.mock('@/features/activity/api/search-activity-feed', () => ({ searchActivityFeed: vi.fn() }));

const detail = vi.mocked(getEntityDetail);
const ticketHistory = () => pageFeed().filter((i) => i.entityId === TICKET_ID);

beforeEach(() => {
  installBrowserStubs();
  detail.mockReset();
  detail.mockResolvedValue(ticketDetail(ticketHistory()));
});

const firstTicketLink = () =>
  within(screen.getAllByTestId('activity-item').find((el) => el.dataset.entityId === TICKET_ID)!).getByRole('link');

describe('entity panel', () => {
  it('opens from the feed as a labelled modal dialog with the record and the history newest first', async () => {
    signIn(admin);
    const { router } = renderActivity();
    await userEvent.click(firstTicketLink());
    const panel = await screen.findByRole('dialog', { name: 'Ticket #1042' });
    expect(panel).toHaveAttribute('aria-modal', 'true');
    expect(panel).toHaveAttribute('data-testid', 'entity-panel');
    expect(panel).toHaveAttribute('data-entity-type', 'ticket');
    expect(panel).toHaveAttribute('data-entity-id', TICKET_ID);
    expect(router.state.location.search).toBe(`?open=ticket%3A${TICKET_ID}`);
    expect(detail).toHaveBeenCalledWith({}, { type: 'ticket', id: TICKET_ID });
    for (const [label, value] of [
      ['Number', '#1042'],
      ['Customer', 'Jane Doe'],
      ['Device', 'iPhone 13'],
      ['Issue', 'Cracked screen'],
      ['Status', 'In progress'],
      ['Priority', 'High'],
      ['Closed', 'Not yet'],
    ]) {
      expect(within(panel).getByText(label!).nextElementSibling).toHaveTextContent(value!);
    }
    const rows = within(panel).getAllByTestId('entity-history-item');
    expect(rows.map((r) => Number(r.dataset.activityId))).toEqual(ticketHistory().map((i) => i.id));
  });

  it('moves focus in, keeps Tab inside, closes on Escape and gives focus back to the item', async () => {
    signIn(admin);
    const { router } = renderActivity();
    const link = firstTicketLink();
    await userEvent.click(link);
    const panel = await screen.findByRole('dialog');
    expect(panel).toContainElement(document.activeElement as HTMLElement);
    for (let i = 0; i < 4; i += 1) {
      await userEvent.tab();
      expect(panel).toContainElement(document.activeElement as HTMLElement);
    }
    await userEvent.tab({ shift: true });
    expect(panel).toContainElement(document.activeElement as HTMLElement);
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(router.state.location.search).toBe('');
    expect(firstTicketLink()).toHaveFocus();
  });

  it('shows a status change while it is open (re-read when the live cursor moves)', async () => {
    signIn(admin);
    renderActivity(`/activity?open=ticket:${TICKET_ID}`);
    const panel = await screen.findByRole('dialog');
    await waitFor(() => expect(within(panel).getAllByTestId('entity-history-item')).toHaveLength(4));
    const change = { ...ticketHistory()[0]!, id: 41, summary: { ticket_number: 1042, customer_name: 'Jane Doe', old_status: 'in_progress', new_status: 'ready' } };
    detail.mockResolvedValue(ticketDetail([change, ...ticketHistory()], { record: { ...ticketDetail([]).record!, status: 'ready' } as never }));
    act(() => useDashboardStore.setState({ cursor: 41 }));
    await waitFor(() => expect(within(panel).getAllByTestId('entity-history-item')[0]).toHaveAttribute('data-activity-id', '41'));
    expect(within(panel).getAllByTestId('entity-history-item')[0]).toHaveTextContent('moved from In progress to Ready');
    expect(within(panel).getByText('Status').nextElementSibling).toHaveTextContent('Ready');
  });

  it('marks a deleted entity and shows its last known state', async () => {
    signIn(admin);
    detail.mockResolvedValue(ticketDetail(ticketHistory(), { deleted: true }));
    renderActivity(`/activity?open=ticket:${TICKET_ID}`);
    const panel = await screen.findByRole('dialog');
    expect(await within(panel).findByText('Deleted')).toBeInTheDocument();
    expect(within(panel).getByRole('note')).toHaveTextContent('last known state');
    expect(panel).toHaveAttribute('data-deleted', 'true');
  });

  it('says so when nothing by that id exists', async () => {
    signIn(admin);
    detail.mockResolvedValue({ record: null, deleted: false, history: [], historyComplete: true });
    renderActivity(`/activity?open=ticket:${TICKET_ID}`);
    expect(await screen.findByText('Ticket not found')).toBeInTheDocument();
  });

  it('offers a retry when the details fail to load', async () => {
    signIn(admin);
    detail.mockRejectedValueOnce(new Error('network down'));
    renderActivity(`/activity?open=ticket:${TICKET_ID}`);
    const panel = await screen.findByRole('dialog');
    expect(await within(panel).findByRole('alert')).toHaveTextContent("Couldn't load this ticket");
    await userEvent.click(within(panel).getByRole('button', { name: 'Retry' }));
    expect(await within(panel).findByText('Jane Doe')).toBeInTheDocument();
  });

  it('never asks for an order for support: a pasted order link says it is not available', async () => {
    signIn(support);
    renderActivity(`/activity?open=order:${ORDER_ID}`);
    const panel = screen.getByRole('dialog', { name: 'Order not available' });
    expect(panel).toHaveTextContent('Orders are not available for your role');
    expect(detail).not.toHaveBeenCalled();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // support gets no order rows to click and no order filter either
    expect(screen.queryByRole('button', { name: 'Orders' })).not.toBeInTheDocument();
  });

  it('shows the server refusing (42501) as not available, not as a crash', async () => {
    signIn(admin);
    detail.mockRejectedValue(new ApiError('staff only', 403, '42501'));
    renderActivity(`/activity?open=order:${ORDER_ID}`);
    const panel = await screen.findByRole('dialog', { name: 'Order not available' });
    expect(panel).toHaveTextContent('Orders are not available for your role');
  });
});
