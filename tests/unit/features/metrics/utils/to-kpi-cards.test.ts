import { describe, expect, it } from 'vitest';
import { toChange } from '@/features/metrics/utils/to-change';
import { toKpiCards } from '@/features/metrics/utils/to-kpi-cards';
import { formatMoneyCents } from '@/features/metrics/utils/format-number';
import { kpisFixture } from '../../fixtures/dashboard';

const en = { locale: 'en-US' };

const kpis = kpisFixture;

describe('toKpiCards', () => {
  it('gives an admin four cards in order with the raw integers', () => {
    const cards = toKpiCards(kpis, 'admin', en);
    expect(cards.map((c) => [c.id, c.value])).toEqual([
      ['total-revenue', 1_234_567],
      ['active-repairs', 17],
      ['new-tickets-24h', 9],
      ['products-sold', 321],
    ]);
    expect(cards[0]!.display).toBe('$12,345.67');
  });

  it('leaves revenue and products sold out for support', () => {
    const support = { ...kpis, totalRevenueCents: null, productsSold: null, ordersCount: null };
    expect(toKpiCards(support, 'support', en).map((c) => c.id)).toEqual(['active-repairs', 'new-tickets-24h']);
    // even if a value slipped through, the role decides
    expect(toKpiCards(kpis, 'support', en).map((c) => c.id)).toEqual(['active-repairs', 'new-tickets-24h']);
  });
});

describe('toChange', () => {
  it('describes a rise in percent and money', () => {
    expect(toChange(1_234_567, 1_000_000, 'money', en)).toMatchObject({
      direction: 'up',
      label: '+23.5% (+$2,345.67)',
    });
  });

  it('describes a fall in counts', () => {
    expect(toChange(17, 20, 'count', en)).toMatchObject({ direction: 'down', label: '-15% (-3)' });
    expect(toChange(90_000, 100_000, 'money', en).label).toBe('-10% (-$100.00)');
  });

  it('says no change, and gives no percent against zero', () => {
    expect(toChange(5, 5, 'count', en).label).toBe('No change');
    expect(toChange(9, 0, 'count', en)).toMatchObject({ direction: 'up', percent: null, label: '+9' });
    expect(toChange(9, null, 'count', en)).toMatchObject({ direction: 'none', label: 'No earlier data' });
  });
});

describe('formatMoneyCents', () => {
  it('formats cents through Intl in the given locale', () => {
    expect(formatMoneyCents(199, en)).toBe('$1.99');
    expect(formatMoneyCents(123456, { locale: 'de-DE', currency: 'EUR' })).toBe('1.234,56\u00a0€');
  });
});
