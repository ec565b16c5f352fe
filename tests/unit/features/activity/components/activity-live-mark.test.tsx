import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivityItem, ActivityPage } from '@/live/types';
import { useDashboardStore } from '@/live';
import { recordTouched } from '@/live/change-clock';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { TouchedEntities } from '@/live/types';
import { getEntityDetail } from '@/features/activity/api/get-entity-detail';
import { searchActivityFeed } from '@/features/activity/api/search-activity-feed';
import { lastSeenKey } from '@/features/activity/utils/last-seen-storage';
import { installBrowserStubs } from '../../fixtures/browser-stubs';
import { admin, pageFeed, renderActivity, signIn, TICKET_ID, ticketDetail } from '../../fixtures/activity-page';

// Issue 17, cases 5 and 7: /activity follows the log's incarnation (epoch) and every change that
// touches what it shows, not only the cursor going up.
vi.mock('@/lib/supabase', () => ({ getSupabaseClient: vi.fn(() => ({})) }));
vi.mock('@/features/activity/api/get-entity-detail', () => ({ getEntityDetail: vi.fn() }));
vi.mock('@/features/activity/api/search-activity-feed', () => ({ searchActivityFeed: vi.fn() }));

const search = vi.mocked(searchActivityFeed);
const detail = vi.mocked(getEntityDetail);
const page = (items: ActivityItem[]): ActivityPage => ({ items, rowCount: items.length, maxId: items[0]?.id ?? null, skipped: 0 });
const tickets = (items: ActivityItem[]) => items.filter((i) => i.entityType === 'ticket');
const shownIds = () => screen.queryAllByTestId('activity-item').map((el) => Number(el.dataset.activityId));
const TITLE = 'Activity · Repair Shop';

let hidden = false;
function setHidden(value: boolean) {
  hidden = value;
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The engine took another epoch: the log's ids started again (a truncate, a restore). */
function newEpoch(epoch: string, items: ActivityItem[]) {
  act(() =>
    useDashboardStore.setState({
      epoch,
      cursor: items[0]?.id ?? 0,
      feed: { items, status: 'ready', error: null, hasMore: false, loadingOlder: false, generation: 2 },
    }),
  );
}

function arrived(items: ActivityItem[]) {
  act(() => useDashboardStore.setState({ cursor: items[0]!.id, feed: { ...useDashboardStore.getState().feed, items } }));
}

/** A change heard from the engine (a table push or a delta) that added no activity row. */
function touched(patch: Partial<TouchedEntities>) {
  act(() => {
    const { changes } = useDashboardStore.getState();
    useDashboardStore.setState({ changes: recordTouched(changes, 'engine-1', { ...NOTHING_TOUCHED, ...patch }) });
  });
}

beforeEach(() => {
  installBrowserStubs();
  search.mockReset();
  detail.mockReset();
  localStorage.clear();
  hidden = false;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
});
afterEach(() => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
});

describe('/activity when the log starts again under a new epoch', () => {
  it('starts the open search over and reads it in the new log, although the cursor went back', async () => {
    search.mockResolvedValue(page(tickets(pageFeed(40))));
    signIn(admin, pageFeed(40));
    act(() => useDashboardStore.setState({ epoch: 'epoch-1' }));
    renderActivity('/activity?kind=tickets');
    await waitFor(() => expect(shownIds()).toEqual(tickets(pageFeed(40)).map((i) => i.id)));
    expect(search).toHaveBeenCalledTimes(1);

    search.mockResolvedValue(page(tickets(pageFeed(10))));
    newEpoch('epoch-2', pageFeed(10));
    await waitFor(() => expect(shownIds()).toEqual(tickets(pageFeed(10)).map((i) => i.id)));
    expect(search).toHaveBeenCalledTimes(2);
    // and it stays live in the new log: the next row (id 11, below everything read before) reads again
    arrived(pageFeed(11));
    await waitFor(() => expect(search).toHaveBeenCalledTimes(3));
  });

  it('reads the open panel again in the new log', async () => {
    detail.mockResolvedValue(ticketDetail(tickets(pageFeed(40))));
    signIn(admin, pageFeed(40));
    act(() => useDashboardStore.setState({ epoch: 'epoch-1' }));
    renderActivity(`/activity?open=ticket:${TICKET_ID}`);
    await screen.findByRole('dialog', { name: 'Ticket #1042' });
    expect(detail).toHaveBeenCalledTimes(1);
    detail.mockResolvedValue(ticketDetail(tickets(pageFeed(10))));
    newEpoch('epoch-2', pageFeed(10));
    await waitFor(() => expect(detail).toHaveBeenCalledTimes(2));
    await waitFor(() =>
      expect(screen.getAllByTestId('entity-history-item').map((el) => Number(el.dataset.activityId))).toEqual(tickets(pageFeed(10)).map((i) => i.id)),
    );
  });

  it('counts what arrives while hidden in the title again, and puts the divider where the new log was seen', async () => {
    signIn(admin, pageFeed(40));
    act(() => useDashboardStore.setState({ epoch: 'epoch-1' }));
    renderActivity();
    setHidden(true);
    newEpoch('epoch-2', pageFeed(10));
    expect(document.title).toBe(TITLE);
    arrived(pageFeed(12));
    await waitFor(() => expect(document.title).toBe(`(2) ${TITLE}`));
    act(() => setHidden(false));
    await waitFor(() => expect(document.title).toBe(TITLE));
    const order = [...document.querySelectorAll('[data-testid="activity-item"], [data-testid="new-since-divider"]')];
    const divider = screen.getByTestId('new-since-divider');
    // 12 and 11 are new; 10 was the new log's newest when it was first seen
    expect(order.indexOf(divider)).toBe(2);
    expect(localStorage.getItem(lastSeenKey(admin.id))).toBe('12:epoch-2');
  });

  it('does not take a position stored in another log for this one', () => {
    localStorage.setItem(lastSeenKey(admin.id), '37:epoch-0');
    signIn(admin, pageFeed(40));
    act(() => useDashboardStore.setState({ epoch: 'epoch-1' }));
    renderActivity();
    expect(screen.queryByTestId('new-since-divider')).not.toBeInTheDocument();
    expect(localStorage.getItem(lastSeenKey(admin.id))).toBe('40:epoch-1');
  });
});

describe('/activity re-reads what a change touches, with or without an activity row', () => {
  it('reads a priority-filtered search again on a ticket change, and not on a product change', async () => {
    search.mockResolvedValue(page(tickets(pageFeed(40))));
    signIn(admin, pageFeed(40));
    act(() => useDashboardStore.setState({ epoch: 'epoch-1' }));
    renderActivity('/activity?kind=tickets&priority=high');
    await waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(shownIds()).toHaveLength(tickets(pageFeed(40)).length));
    // a ticket's priority changed: no activity row, the cursor stays, the filter's answer may not
    touched({ tickets: ['t-9'] });
    await waitFor(() => expect(search).toHaveBeenCalledTimes(2));
    touched({ products: ['p-1'], customers: 'many' });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(search).toHaveBeenCalledTimes(2);
  });

  it('does not read a search without a ticket filter again on a ticket change', async () => {
    search.mockResolvedValue(page(tickets(pageFeed(40))));
    signIn(admin, pageFeed(40));
    act(() => useDashboardStore.setState({ epoch: 'epoch-1' }));
    renderActivity('/activity?kind=tickets');
    await waitFor(() => expect(search).toHaveBeenCalledTimes(1));
    touched({ tickets: 'many' });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(search).toHaveBeenCalledTimes(1);
  });

  it("reads the open panel again when the entity or its customer changes, and not for another customer", async () => {
    const withCustomer = () => {
      const d = ticketDetail(tickets(pageFeed(40)));
      return { ...d, record: d.record?.type === 'ticket' ? { ...d.record, customerId: 'c-1' } : d.record };
    };
    detail.mockImplementation(async () => withCustomer());
    signIn(admin, pageFeed(40));
    act(() => useDashboardStore.setState({ epoch: 'epoch-1' }));
    renderActivity(`/activity?open=ticket:${TICKET_ID}`);
    await screen.findByRole('dialog', { name: 'Ticket #1042' });
    await waitFor(() => expect(detail).toHaveBeenCalledTimes(1));
    touched({ customers: ['c-2'], orders: ['o-1'] });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(detail).toHaveBeenCalledTimes(1);
    // the customer was renamed: the panel shows their name
    touched({ customers: ['c-1'] });
    await waitFor(() => expect(detail).toHaveBeenCalledTimes(2));
    // the ticket's priority changed
    touched({ tickets: [TICKET_ID] });
    await waitFor(() => expect(detail).toHaveBeenCalledTimes(3));
  });
});
