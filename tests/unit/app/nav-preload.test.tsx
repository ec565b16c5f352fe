import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';

describe('nav links', () => {
  it('ask for the code of the page they lead to when pointed at, focused or touched', () => {
    const onNavIntent = vi.fn();
    render(
      <MemoryRouter>
        <DashboardLayout actions={null} onNavIntent={onNavIntent}>
          <p>page</p>
        </DashboardLayout>
      </MemoryRouter>,
    );
    const nav = screen.getByRole('navigation', { name: 'Main' });
    fireEvent.pointerEnter(screen.getByRole('link', { name: 'Activity' }));
    expect(onNavIntent).toHaveBeenLastCalledWith('/activity');
    fireEvent.focus(nav.querySelector('a[href="/"]')!);
    expect(onNavIntent).toHaveBeenLastCalledWith('/');
    fireEvent.touchStart(screen.getByRole('link', { name: 'Activity' }));
    expect(onNavIntent).toHaveBeenCalledTimes(3);
  });
});
