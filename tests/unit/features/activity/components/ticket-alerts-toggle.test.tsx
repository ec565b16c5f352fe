import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityItem } from '@/live/types';
import { TicketAlertsToggle } from '@/features/activity/components/ticket-alerts-toggle';

function ticket(id: number): ActivityItem {
  return {
    id,
    kind: 'ticket_created',
    entityType: 'ticket',
    entityId: `t${id}`,
    occurredAt: '2026-11-22T22:00:00Z',
    summary: { ticket_number: 1000 + id, customer_name: 'Jane Doe', device: 'iPhone', issue: 'Screen', status: 'open', priority: 'normal' },
  };
}

function installNotification(permission: NotificationPermission) {
  const shown: { title: string; body?: string }[] = [];
  const requestPermission = vi.fn(async () => permission);
  class FakeNotification {
    static permission: NotificationPermission = 'default';
    static requestPermission = async () => {
      FakeNotification.permission = await requestPermission();
      return FakeNotification.permission;
    };
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body });
    }
  }
  vi.stubGlobal('Notification', FakeNotification);
  return { shown, requestPermission };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('TicketAlertsToggle', () => {
  it('asks for permission only when clicked, then notifies about new tickets only', async () => {
    const { shown, requestPermission } = installNotification('granted');
    const { rerender } = render(<TicketAlertsToggle items={[ticket(1)]} epoch="epoch-1" />);
    expect(requestPermission).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Alert me on new tickets' }));
    expect(requestPermission).toHaveBeenCalledOnce();
    expect(screen.getByRole('button', { name: 'New-ticket alerts on' })).toHaveAttribute('aria-pressed', 'true');
    expect(shown).toEqual([]);

    rerender(<TicketAlertsToggle items={[ticket(2), ticket(1)]} epoch="epoch-1" />);
    expect(shown).toEqual([{ title: 'New ticket #1002', body: 'New ticket #1002 for Jane Doe — iPhone: Screen' }]);
  });

  it('alerts again after the log started over under a new epoch, though its ids are lower', async () => {
    const { shown } = installNotification('granted');
    const { rerender } = render(<TicketAlertsToggle items={[ticket(40), ticket(39)]} epoch="epoch-1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Alert me on new tickets' }));
    // what the new log holds when first seen is not news (a restore brings back old tickets)
    rerender(<TicketAlertsToggle items={[ticket(2), ticket(1)]} epoch="epoch-2" />);
    expect(shown).toEqual([]);
    rerender(<TicketAlertsToggle items={[ticket(3), ticket(2), ticket(1)]} epoch="epoch-2" />);
    expect(shown.map((n) => n.title)).toEqual(['New ticket #1003']);
  });

  it('says when desktop notifications are blocked', async () => {
    installNotification('denied');
    render(<TicketAlertsToggle items={[]} epoch="epoch-1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Alert me on new tickets' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Desktop notifications are blocked; sound only.');
  });
});
