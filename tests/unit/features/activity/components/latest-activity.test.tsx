import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { LatestActivity } from '@/features/activity/components/latest-activity';
import type { FeedState } from '@/features/activity/types';
import { activityFixture } from '../../fixtures/dashboard';

function renderLatest(feed: Partial<FeedState>, onRetry = vi.fn()) {
  const full: FeedState = { items: [], status: 'ready', error: null, hasMore: false, loadingOlder: false, ...feed };
  render(
    <MemoryRouter>
      <LatestActivity feed={full} onRetry={onRetry} locale="en-US" />
    </MemoryRouter>,
  );
  return onRetry;
}

describe('LatestActivity', () => {
  it('shows the latest 20 items and links to the full feed', () => {
    renderLatest({ items: activityFixture(30) });
    expect(screen.getAllByTestId('activity-item')).toHaveLength(20);
    expect(screen.getByRole('link', { name: 'View all activity' })).toHaveAttribute('href', '/activity');
  });

  it('shows a skeleton, an empty state and an error with retry', async () => {
    renderLatest({ status: 'loading' });
    expect(screen.getByLabelText('Loading activity')).toBeInTheDocument();
  });

  it('says so when empty', () => {
    renderLatest({});
    expect(screen.getByText('No activity yet')).toBeInTheDocument();
  });

  it('offers a retry on error', async () => {
    const onRetry = renderLatest({ status: 'error', error: 'down' });
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });
});
