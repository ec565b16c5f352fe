import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDashboardStore } from '@/live';
import { getEntityDetail } from '@/features/activity/api/get-entity-detail';
import { searchActivityFeed } from '@/features/activity/api/search-activity-feed';
import { lastSeenKey } from '@/features/activity/utils/last-seen-storage';
import { installBrowserStubs } from '../../fixtures/browser-stubs';
import { admin, pageFeed, renderActivity, signIn, support } from '../../fixtures/activity-page';

vi.mock('@/lib/supabase', () => ({ getSupabaseClient: vi.fn(() => ({})) }));
vi.mock('@/features/activity/api/get-entity-detail', () => ({ getEntityDetail: vi.fn() }));
vi.mock('@/features/activity/api/search-activity-feed', () => ({ searchActivityFeed: vi.fn() }));

let hidden = false;
function setHidden(value: boolean) {
  hidden = value;
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  installBrowserStubs();
  vi.mocked(getEntityDetail).mockReset();
  vi.mocked(searchActivityFeed).mockReset();
  localStorage.clear();
  hidden = false;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
});
afterEach(() => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
});

const before = (el: Element) => [...document.querySelectorAll('[data-testid="activity-item"], [data-testid="new-since-divider"]')].indexOf(el);

describe('new since last visit', () => {
  it('marks what arrived since the agent last had the page open, and remembers where they got to', () => {
    localStorage.setItem(lastSeenKey(admin.id), '37');
    signIn(admin, pageFeed(40));
    renderActivity();
    const divider = screen.getByTestId('new-since-divider');
    expect(divider).toHaveTextContent('New since your last visit');
    // 40, 39, 38 are new; 37 was seen
    const items = screen.getAllByTestId('activity-item');
    expect(before(divider)).toBe(3);
    expect(items[3]).toHaveAttribute('data-activity-id', '37');
    expect(localStorage.getItem(lastSeenKey(admin.id))).toBe('40');
  });

  it('shows no divider on a first visit, and keeps each agent apart', () => {
    localStorage.setItem(lastSeenKey(support.id), '31');
    signIn(admin, pageFeed(40));
    renderActivity();
    expect(screen.queryByTestId('new-since-divider')).not.toBeInTheDocument();
    expect(localStorage.getItem(lastSeenKey(admin.id))).toBe('40');
    expect(localStorage.getItem(lastSeenKey(support.id))).toBe('31');
  });

  it('counts unseen items in the tab title while hidden, then marks them when the agent looks again', () => {
    signIn(admin, pageFeed(40));
    renderActivity();
    expect(document.title).toBe('Activity · Repair Shop');
    act(() => setHidden(true));
    act(() => useDashboardStore.setState({ feed: { ...useDashboardStore.getState().feed, items: pageFeed(43) }, cursor: 43 }));
    expect(document.title).toBe('(3) Activity · Repair Shop');
    // nothing is marked seen while hidden
    expect(localStorage.getItem(lastSeenKey(admin.id))).toBe('40');
    act(() => setHidden(false));
    expect(document.title).toBe('Activity · Repair Shop');
    expect(before(screen.getByTestId('new-since-divider'))).toBe(3);
    expect(localStorage.getItem(lastSeenKey(admin.id))).toBe('43');
  });

  it('works without storage (blocked or full)', () => {
    const getItem = vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    const setItem = vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    signIn(admin, pageFeed(40));
    renderActivity();
    expect(screen.getAllByTestId('activity-item')).toHaveLength(10);
    expect(screen.queryByTestId('new-since-divider')).not.toBeInTheDocument();
    getItem.mockRestore();
    setItem.mockRestore();
  });
});
