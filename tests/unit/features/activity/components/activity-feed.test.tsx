import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeedState } from '@/features/activity/types';
import { ActivityFeed, type ActivityFeedProps } from '@/features/activity/components/activity-feed';
import { activityFixture } from '../../fixtures/dashboard';
import { installBrowserStubs } from '../../fixtures/browser-stubs';

let stubs: ReturnType<typeof installBrowserStubs>;
beforeEach(() => {
  stubs = installBrowserStubs();
});
afterEach(() => {
  vi.useRealTimers();
});

function feed(partial: Partial<FeedState> = {}): FeedState {
  return { items: activityFixture(10), status: 'ready', error: null, hasMore: true, loadingOlder: false, ...partial };
}

function setup(props: Partial<ActivityFeedProps> = {}) {
  const all: ActivityFeedProps = { feed: feed(), epoch: 'epoch-1', onLoadOlder: vi.fn(), onRetry: vi.fn(), locale: 'en-US', ...props };
  const view = render(<ActivityFeed {...all} />);
  return { ...all, rerender: (p: Partial<ActivityFeedProps>) => view.rerender(<ActivityFeed {...all} {...p} />) };
}

const ids = () => screen.queryAllByTestId('activity-item').map((el) => Number(el.getAttribute('data-activity-id')));

describe('ActivityFeed', () => {
  it('shows a skeleton while loading', () => {
    setup({ feed: feed({ items: [], status: 'loading' }) });
    expect(screen.getByLabelText('Loading activity')).toHaveAttribute('aria-busy', 'true');
  });

  it('offers a retry when the feed failed to load', async () => {
    const { onRetry } = setup({ feed: feed({ items: [], status: 'error', error: 'offline' }) });
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('says so when there is no activity', () => {
    setup({ feed: feed({ items: [], hasMore: false }) });
    expect(screen.getByText('No activity yet')).toBeInTheDocument();
  });

  it('lists activity newest first as sentences with times', () => {
    setup();
    expect(ids()).toEqual([100, 99, 98, 97, 96, 95, 94, 93, 92, 91]);
    const first = screen.getAllByTestId('activity-item')[0]!;
    expect(first).toHaveTextContent('Ticket #1100 for Jane Doe moved from In progress to Ready');
    expect(within(first).getByText('just now')).toBeInTheDocument();
  });

  it('holds new items while paused and shows them on request', async () => {
    const { rerender } = setup();
    await userEvent.click(screen.getByRole('button', { name: 'Pause feed' }));
    rerender({ feed: feed({ items: [...activityFixture(12, 112).slice(0, 12), ...activityFixture(10)] }) });
    expect(ids()[0]).toBe(100);
    await userEvent.click(screen.getByRole('button', { name: '12 new — show' }));
    expect(ids()[0]).toBe(112);
    expect(screen.getByRole('button', { name: 'Resume feed' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Resume feed' }));
    expect(screen.getByRole('button', { name: 'Pause feed' })).toBeInTheDocument();
  });

  it('keeps what the reader sees while paused even after the capped feed has moved past it', async () => {
    const { rerender } = setup({ feed: feed({ items: activityFixture(10, 100) }) });
    await userEvent.click(screen.getByRole('button', { name: 'Pause feed' }));
    // 15 new items arrive and the live feed keeps only its newest 10
    rerender({ feed: feed({ items: activityFixture(10, 115) }) });
    expect(ids()).toEqual(activityFixture(10, 100).map((i) => i.id));
    expect(screen.queryByText('Nothing matches these filters')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '10+ new — show' }));
    expect(ids()[0]).toBe(115);
  });

  it('cuts the pause again when the log starts over under a new epoch: ids of two logs never mix', async () => {
    const { rerender } = setup({ feed: feed({ items: activityFixture(10, 100) }) });
    await userEvent.click(screen.getByRole('button', { name: 'Pause feed' }));
    rerender({ epoch: 'epoch-2', feed: feed({ items: activityFixture(3, 3) }) });
    expect(ids()).toEqual([3, 2, 1]);
    expect(screen.getByText('Feed paused. New activity will wait here.')).toBeInTheDocument();
    // a new row of the new log waits, although its id is below where the pause began
    rerender({ epoch: 'epoch-2', feed: feed({ items: activityFixture(4, 4) }) });
    expect(ids()).toEqual([3, 2, 1]);
    await userEvent.click(screen.getByRole('button', { name: '1 new — show' }));
    expect(ids()).toEqual([4, 3, 2, 1]);
  });

  it('loads older activity when the end of the list scrolls into view, or on click', async () => {
    const { onLoadOlder } = setup();
    act(() => stubs.intersectAll());
    expect(onLoadOlder).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole('button', { name: 'Load older activity' }));
    expect(onLoadOlder).toHaveBeenCalledTimes(2);
  });

  it('shows progress while older activity loads, and the end of the log', () => {
    const { rerender } = setup({ feed: feed({ loadingOlder: true }) });
    expect(screen.getByRole('button', { name: 'Loading older activity…' })).toBeDisabled();
    rerender({ feed: feed({ hasMore: false }) });
    expect(screen.getByText(/reached the start of the log/)).toBeInTheDocument();
  });

  it('announces a digest of new activity at most every ten seconds', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-22T22:00:00Z') });
    const { rerender } = setup({ feed: feed({ items: activityFixture(2, 10) }) });
    const log = screen.getByRole('log');
    expect(log).toBeEmptyDOMElement();
    rerender({ feed: feed({ items: activityFixture(5, 13) }) });
    expect(log).toBeEmptyDOMElement();
    act(() => vi.advanceTimersByTime(10_000));
    expect(log).toHaveTextContent('3 new events: 2 ticket updates, 1 order update');
    expect(log.children).toHaveLength(1);
  });

  it('announces again after the log starts over under a new epoch, never the new log itself', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-22T22:00:00Z') });
    const { rerender } = setup({ feed: feed({ items: activityFixture(2, 10) }) });
    const log = screen.getByRole('log');
    rerender({ epoch: 'epoch-2', feed: feed({ items: activityFixture(2, 2) }) });
    act(() => vi.advanceTimersByTime(10_000));
    expect(log).toBeEmptyDOMElement();
    rerender({ epoch: 'epoch-2', feed: feed({ items: activityFixture(4, 4) }) });
    act(() => vi.advanceTimersByTime(10_000));
    expect(log).toHaveTextContent('2 new events: 1 ticket update, 1 order update');
  });

  it('does not announce the first page of the feed as new activity', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-22T22:00:00Z') });
    const { rerender } = setup({ feed: feed({ items: [], status: 'loading' }) });
    act(() => vi.advanceTimersByTime(10_000));
    rerender({ feed: feed({ items: activityFixture(10, 20) }) });
    act(() => vi.advanceTimersByTime(10_000));
    const log = screen.getByRole('log');
    expect(log).toBeEmptyDOMElement();
    rerender({ feed: feed({ items: activityFixture(11, 21) }) });
    act(() => vi.advanceTimersByTime(10_000));
    expect(log).toHaveTextContent('1 new event: 1 ticket update');
  });
});
