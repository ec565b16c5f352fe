import { describe, expect, it } from 'vitest';
import { applyKpis } from '@/live/apply-kpis';
import type { Kpis, Loadable } from '@/live/types';

const values = { totalRevenueCents: 100, productsSold: 2, ordersCount: 1, activeRepairs: 3, newTickets24h: 4 };
const kpis = (asOf: string, patch: Partial<Kpis> = {}): Kpis => ({ ...values, previous: { ...values }, asOf, ...patch });
const loading: Loadable<Kpis> = { status: 'loading', data: null, error: null };

describe('applyKpis', () => {
  it('shows the first answer', () => {
    expect(applyKpis(loading, kpis('2026-01-01T00:00:00Z'))).toMatchObject({ status: 'ready', error: null });
  });

  it('replaces with a newer answer', () => {
    const shown = applyKpis(loading, kpis('2026-01-01T00:00:00Z'));
    const next = applyKpis(shown, kpis('2026-01-01T00:00:05Z', { newTickets24h: 9 }));
    expect(next.data?.newTickets24h).toBe(9);
  });

  it('ignores an answer computed before the one on screen (responses overtaking each other)', () => {
    const shown = applyKpis(loading, kpis('2026-01-01T00:00:05Z', { newTickets24h: 9 }));
    expect(applyKpis(shown, kpis('2026-01-01T00:00:00Z'))).toBe(shown);
  });

  it('keeps the same values object when nothing changed but the time', () => {
    const shown = applyKpis(loading, kpis('2026-01-01T00:00:00Z'));
    const next = applyKpis(shown, kpis('2026-01-01T00:00:05Z'));
    expect(next.data?.previous).toBe(shown.data?.previous);
    expect(next.data?.asOf).toBe('2026-01-01T00:00:05Z');
  });

  it('clears a previous error', () => {
    const errored: Loadable<Kpis> = { status: 'error', data: null, error: 'boom' };
    expect(applyKpis(errored, kpis('2026-01-01T00:00:00Z')).error).toBeNull();
  });
});
