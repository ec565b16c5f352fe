import { describe, expect, it } from 'vitest';
import type { ActivityItem, ActivityKind, EntityType } from '@/live/types';
import { toSentence } from '@/features/activity/utils/to-sentence';

function item(kind: ActivityKind, entityType: EntityType, summary: ActivityItem['summary']): ActivityItem {
  return { id: 1, kind, entityType, entityId: '00000000-0000-0000-0000-000000000001', occurredAt: '2026-11-22T22:00:00Z', summary };
}

const en = { locale: 'en-US' };

describe('toSentence', () => {
  it('tells a ticket status change the way staff say it', () => {
    const s = toSentence(
      item('ticket_status_changed', 'ticket', {
        ticket_number: 1042,
        customer_name: 'Jane Doe',
        device: 'iPhone 12',
        old_status: 'in_progress',
        new_status: 'ready',
      }),
    );
    expect(s).toBe('Ticket #1042 for Jane Doe moved from In progress to Ready');
  });

  it('describes new and deleted tickets', () => {
    expect(
      toSentence(
        item('ticket_created', 'ticket', {
          ticket_number: 1043,
          customer_name: 'Ann Lee',
          device: 'Pixel 8',
          issue: 'Cracked screen',
          status: 'open',
          priority: 'urgent',
        }),
      ),
    ).toBe('New ticket #1043 for Ann Lee — Pixel 8: Cracked screen (urgent priority)');
    expect(toSentence(item('ticket_deleted', 'ticket', { ticket_number: 1001, customer_name: 'Bo', device: 'x' }))).toBe(
      'Ticket #1001 for Bo was deleted',
    );
  });

  it('describes orders with money through Intl', () => {
    expect(
      toSentence(
        item('order_placed', 'order', { order_number: 5001, customer_name: 'Jane Doe', total_cents: 12999, item_count: 3, status: 'paid' }),
        en,
      ),
    ).toBe('Order #5001 placed by Jane Doe — 3 items, $129.99');
    expect(
      toSentence(
        item('order_status_changed', 'order', {
          order_number: 5001,
          customer_name: 'Jane Doe',
          total_cents: 100,
          old_status: 'pending',
          new_status: 'paid',
        }),
        en,
      ),
    ).toBe('Order #5001 for Jane Doe moved from Pending to Paid');
    expect(toSentence(item('order_deleted', 'order', { order_number: 5002, customer_name: 'Al', total_cents: 250 }), en)).toBe(
      'Order #5002 for Al ($2.50) was deleted',
    );
  });

  it('describes customers, with the fields that changed', () => {
    expect(toSentence(item('customer_registered', 'customer', { customer_name: 'Jane Doe', email: 'jane@example.com' }))).toBe(
      'New customer Jane Doe (jane@example.com)',
    );
    expect(
      toSentence(item('customer_updated', 'customer', { customer_name: 'Jane Doe', email: 'j@x.io', changed: ['phone', 'full_name'] })),
    ).toBe('Customer Jane Doe updated: phone, full name');
    expect(toSentence(item('customer_deleted', 'customer', { customer_name: 'Jane Doe', email: null }))).toBe(
      'Customer Jane Doe was removed',
    );
  });

  it('describes product price and stock changes', () => {
    expect(
      toSentence(
        item('product_updated', 'product', {
          product_name: 'USB-C cable',
          sku: 'CAB-1',
          price_cents: 799,
          stock: 18,
          old_price_cents: 999,
          old_stock: 20,
        }),
        en,
      ),
    ).toBe('Product USB-C cable (CAB-1) updated: price $9.99 → $7.99, stock 20 → 18');
    expect(toSentence(item('product_created', 'product', { product_name: 'Case', sku: 'C-1', price_cents: 1500, stock: 4 }), en)).toBe(
      'New product Case (C-1) — $15.00, 4 in stock',
    );
  });

  it('still writes a sentence when summary keys are missing', () => {
    expect(toSentence(item('ticket_status_changed', 'ticket', {}))).toBe('Ticket moved from unknown to unknown');
    expect(toSentence(item('order_placed', 'order', {}))).toBe('Order placed');
  });
});
