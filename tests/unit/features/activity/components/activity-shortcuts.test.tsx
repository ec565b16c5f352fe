import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getEntityDetail } from '@/features/activity/api/get-entity-detail';
import { searchActivityFeed } from '@/features/activity/api/search-activity-feed';
import { installBrowserStubs } from '../../fixtures/browser-stubs';
import { admin, pageFeed, renderActivity, signIn, ticketDetail } from '../../fixtures/activity-page';

vi.mock('@/lib/supabase', () => ({ getSupabaseClient: vi.fn(() => ({})) }));
vi.mock('@/features/activity/api/get-entity-detail', () => ({ getEntityDetail: vi.fn() }));
vi.mock('@/features/activity/api/search-activity-feed', () => ({ searchActivityFeed: vi.fn() }));

const itemLink = (i: number) => screen.getAllByTestId('activity-item')[i]!.querySelector('a')!;

beforeEach(() => {
  installBrowserStubs();
  vi.mocked(getEntityDetail).mockReset().mockResolvedValue(ticketDetail([]));
  vi.mocked(searchActivityFeed).mockReset().mockResolvedValue({ items: [], rowCount: 0, maxId: null, skipped: 0 });
  signIn(admin, pageFeed());
});

describe('activity keyboard shortcuts', () => {
  it('focuses the search on /', async () => {
    renderActivity();
    await userEvent.keyboard('/');
    expect(screen.getByTestId('activity-search')).toHaveFocus();
    // the slash opened the search, it was not typed into it
    expect(screen.getByTestId('activity-search')).toHaveValue('');
  });

  it('moves through the list with j and k and opens with Enter; Esc closes', async () => {
    const { router } = renderActivity();
    await userEvent.keyboard('j');
    expect(itemLink(0)).toHaveFocus();
    await userEvent.keyboard('jj');
    expect(itemLink(2)).toHaveFocus();
    await userEvent.keyboard('k');
    expect(itemLink(1)).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
    expect(router.state.location.search).toContain('open=customer');
    // j does nothing behind an open dialog
    await userEvent.keyboard('j');
    expect(screen.getByRole('dialog')).toContainElement(document.activeElement as HTMLElement);
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(itemLink(1)).toHaveFocus();
  });

  it('never fires while typing in a field', async () => {
    renderActivity();
    await userEvent.click(screen.getByTestId('activity-search'));
    await userEvent.keyboard('jk/?');
    expect(screen.getByTestId('activity-search')).toHaveValue('jk/?');
    expect(screen.getByTestId('activity-search')).toHaveFocus();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('never fires with modifier keys', async () => {
    renderActivity();
    fireEvent.keyDown(document.body, { key: 'j', ctrlKey: true });
    fireEvent.keyDown(document.body, { key: '/', metaKey: true });
    fireEvent.keyDown(document.body, { key: 'k', altKey: true });
    expect(document.activeElement).toBe(document.body);
  });

  it('lists the shortcuts behind the ? button and on ?', async () => {
    renderActivity();
    const button = screen.getByRole('button', { name: '? Shortcuts' });
    await userEvent.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog).toHaveTextContent('Search the activity');
    expect(dialog).toHaveTextContent('Next item');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    await userEvent.keyboard('?');
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeInTheDocument();
  });
});
