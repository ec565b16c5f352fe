import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivityItem, ActivityPage } from '@/live/types';
import { useDashboardStore } from '@/live';
import { getEntityDetail } from '@/features/activity/api/get-entity-detail';
import { searchActivityFeed } from '@/features/activity/api/search-activity-feed';
import { installBrowserStubs } from '../../fixtures/browser-stubs';
import { admin, deferred, pageFeed, renderActivity, signIn, TICKET_ID, ticketDetail } from '../../fixtures/activity-page';

vi.mock('@/lib/supabase', () => ({ getSupabaseClient: vi.fn(() => ({})) }));
vi.mock('@/features/activity/api/get-entity-detail', () => ({ getEntityDetail: vi.fn() }));
vi.mock('@/features/activity/api/search-activity-feed', () => ({ searchActivityFeed: vi.fn() }));

const search = vi.mocked(searchActivityFeed);
const detail = vi.mocked(getEntityDetail);
const page = (items: ActivityItem[]): ActivityPage => ({ items, rowCount: items.length, maxId: items[0]?.id ?? null, skipped: 0 });
const shownIds = () => screen.queryAllByTestId('activity-item').map((el) => Number(el.dataset.activityId));
const tickets = () => pageFeed().filter((i) => i.entityType === 'ticket');

beforeEach(() => {
  installBrowserStubs();
  search.mockReset();
  detail.mockReset();
  search.mockResolvedValue(page(tickets()));
  detail.mockResolvedValue(ticketDetail(tickets()));
});

describe('activity view in the URL', () => {
  it('restores search, filters and the open panel from a pasted link', async () => {
    signIn(admin);
    renderActivity(`/activity?q=jane&kind=tickets&status=in_progress&priority=high&open=ticket:${TICKET_ID}`);
    const panel = await screen.findByRole('dialog', { name: 'Ticket #1042' });
    expect(search).toHaveBeenCalledWith({}, { filter: { q: 'jane', kind: 'ticket', status: 'in_progress', priority: 'high' }, limit: 50 });
    await userEvent.keyboard('{Escape}');
    expect(panel).not.toBeInTheDocument();
    expect(screen.getByTestId('activity-search')).toHaveValue('jane');
    expect(screen.getByRole('button', { name: 'Tickets' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByLabelText('Status')).toHaveValue('in_progress');
    expect(screen.getByLabelText('Priority')).toHaveValue('high');
    // the list is the server's answer, under the same test ids as the live feed
    expect(within(screen.getByTestId('activity-feed')).getAllByTestId('activity-item').map((el) => Number(el.dataset.activityId))).toEqual(
      tickets().map((i) => i.id),
    );
  });

  it('puts typing in the URL by replacing the entry, after a pause', async () => {
    signIn(admin);
    const { router } = renderActivity('/activity');
    await userEvent.type(screen.getByTestId('activity-search'), 'iphone');
    expect(screen.getByTestId('activity-search')).toHaveValue('iphone');
    await waitFor(() => expect(router.state.location.search).toBe('?q=iphone'));
    expect(router.state.historyAction).toBe('REPLACE');
    // debounced: one search for the whole word, not one per letter
    await waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    expect(search.mock.calls[0]![1].filter.q).toBe('iphone');
  });

  it('goes back and forward through filters and the panel', async () => {
    signIn(admin);
    const { router } = renderActivity('/activity');
    await userEvent.click(screen.getByRole('button', { name: 'Tickets' }));
    expect(router.state.location.search).toBe('?kind=tickets');
    await waitFor(() => expect(shownIds()).toEqual(tickets().map((i) => i.id)));
    await userEvent.click(within(screen.getAllByTestId('activity-item')[0]!).getByRole('link'));
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?kind=tickets&open=ticket%3A${TICKET_ID}`);

    await act(() => router.navigate(-1));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Tickets' })).toHaveAttribute('aria-pressed', 'true');
    await act(() => router.navigate(-1));
    expect(router.state.location.search).toBe('');
    expect(screen.getByRole('button', { name: 'All' })).toHaveAttribute('aria-pressed', 'true');
    expect(shownIds()).toEqual(pageFeed().map((i) => i.id));
    await act(() => router.navigate(1));
    await act(() => router.navigate(1));
    expect(await screen.findByRole('dialog', { name: 'Ticket #1042' })).toBeInTheDocument();
  });

  it('closes a panel opened from the list by going back, not by stacking history', async () => {
    signIn(admin);
    const { router } = renderActivity('/activity?q=jane');
    await waitFor(() => expect(shownIds().length).toBeGreaterThan(0));
    await userEvent.click(within(screen.getAllByTestId('activity-item')[0]!).getByRole('link'));
    await screen.findByRole('dialog');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(router.state.location.search).toBe('?q=jane'));
    expect(router.state.historyAction).toBe('POP');
  });

  it('never lets a slow answer for an earlier search replace the newer one', async () => {
    signIn(admin);
    const slow = deferred<ActivityPage>();
    const fast = deferred<ActivityPage>();
    search.mockReturnValueOnce(slow.promise).mockReturnValueOnce(fast.promise);
    const { router } = renderActivity('/activity?q=jane');
    await act(() => router.navigate('/activity?q=ann', { replace: true }));
    const ann = pageFeed().filter((i) => i.entityType === 'customer').slice(0, 2);
    await act(async () => fast.resolve(page(ann)));
    expect(shownIds()).toEqual(ann.map((i) => i.id));
    await act(async () => slow.resolve(page(tickets())));
    expect(shownIds()).toEqual(ann.map((i) => i.id));
  });

  it('shows an empty answer and a failed one plainly, with a retry', async () => {
    signIn(admin);
    search.mockResolvedValueOnce(page([]));
    const { router } = renderActivity('/activity?q=nobody');
    expect(await screen.findByText('No matching activity')).toBeInTheDocument();
    expect(screen.getByText(/Nothing matches “nobody”/)).toBeInTheDocument();

    search.mockRejectedValueOnce(new Error('p_query has more than 8 words'));
    await act(() => router.navigate('/activity?q=a+b', { replace: true }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("Couldn't search the activity");
    expect(alert).toHaveTextContent('p_query has more than 8 words');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(shownIds()).toEqual(tickets().map((i) => i.id)));
  });

  it('shows new matches live: the first page is read again when the cursor moves', async () => {
    signIn(admin);
    renderActivity('/activity?q=jane');
    await waitFor(() => expect(shownIds()).toEqual(tickets().map((i) => i.id)));
    const fresh = { ...tickets()[0]!, id: 50 };
    search.mockResolvedValue(page([fresh, ...tickets()]));
    act(() => useDashboardStore.setState({ cursor: 50 }));
    await waitFor(() => expect(shownIds()[0]).toBe(50));
    expect(search).toHaveBeenCalledTimes(2);
  });

  it('keeps new-ticket alerts on while a search comes and goes (only the pause is for the live feed)', async () => {
    signIn(admin);
    const { router } = renderActivity('/activity');
    await userEvent.click(screen.getByRole('button', { name: 'Alert me on new tickets' }));
    expect(screen.getByRole('button', { name: 'New-ticket alerts on' })).toBeInTheDocument();
    await act(() => router.navigate('/activity?q=jane'));
    await waitFor(() => expect(shownIds()).toEqual(tickets().map((i) => i.id)));
    expect(screen.getByRole('button', { name: 'New-ticket alerts on' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Pause feed' })).not.toBeInTheDocument();
    await act(() => router.navigate('/activity'));
    expect(screen.getByRole('button', { name: 'New-ticket alerts on' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pause feed' })).toBeInTheDocument();
  });

  it('says what is wrong with a query the server would refuse, without sending it or losing the text', async () => {
    signIn(admin);
    renderActivity('/activity?q=one+two+three+four+five+six+seven+eight+nine');
    expect(screen.getByRole('alert')).toHaveTextContent('Search with at most 8 words (this has 9).');
    expect(screen.getByTestId('activity-search')).toHaveValue('one two three four five six seven eight nine');
    expect(search).not.toHaveBeenCalled();
  });
});
