import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '@/live/types';
import { ConnectionStatus } from '@/features/connection/components/connection-status';
import { LiveToggle } from '@/features/connection/components/live-toggle';
import { connectionFixture } from '../../fixtures/dashboard';

describe('ConnectionStatus', () => {
  it.each<[ConnectionState, number | null, string]>([
    ['connecting', null, 'Connecting'],
    ['live', null, 'Live'],
    ['polling', 5000, 'Polling (every 5 s)'],
    ['offline', null, 'Offline'],
    ['paused', null, 'Paused'],
  ])('shows %s as "%s"', (state, pollIntervalMs, label) => {
    render(<ConnectionStatus info={{ ...connectionFixture, state, pollIntervalMs }} locale="en-US" />);
    const status = screen.getByTestId('connection-status');
    expect(status).toHaveAttribute('data-state', state);
    expect(status).toHaveTextContent(label);
  });

  it('opens details by keyboard, moves focus into them, and gives it back to the badge on Escape', async () => {
    const user = userEvent.setup();
    render(<ConnectionStatus info={connectionFixture} locale="en-US" />);
    await user.tab();
    expect(screen.getByRole('button', { name: /Connection: Live/ })).toHaveFocus();
    await user.keyboard('{Enter}');
    const details = screen.getByRole('dialog', { name: 'Connection details' });
    expect(details).toHaveFocus();
    expect(screen.getByTestId('connection-status')).toHaveAttribute('aria-expanded', 'true');
    expect(details).toHaveTextContent('Reconnect attempts2');
    expect(details).toHaveTextContent('Events received1,234');
    expect(details).toHaveTextContent('Commit to screen84 ms');
    expect(details).toHaveTextContent(/Last event\d{2}:\d{2}:\d{2}/);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Connection: Live/ })).toHaveFocus();
  });

  it('leaves focus where the user clicked when details close on an outside press', async () => {
    const user = userEvent.setup();
    render(
      <>
        <ConnectionStatus info={connectionFixture} locale="en-US" />
        <button type="button">Elsewhere</button>
      </>,
    );
    await user.click(screen.getByTestId('connection-status'));
    expect(screen.getByRole('dialog', { name: 'Connection details' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Elsewhere' })).toHaveFocus();
  });
});

describe('LiveToggle', () => {
  it('pauses when live and resumes when paused', async () => {
    const onPause = vi.fn();
    const onResume = vi.fn();
    const { rerender } = render(<LiveToggle paused={false} onPause={onPause} onResume={onResume} />);
    await userEvent.click(screen.getByRole('button', { name: 'Pause live updates' }));
    expect(onPause).toHaveBeenCalledOnce();
    rerender(<LiveToggle paused onPause={onPause} onResume={onResume} />);
    const toggle = screen.getByTestId('live-toggle');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Resume live updates' }));
    expect(onResume).toHaveBeenCalledOnce();
  });
});
