import { dateTimeFormat, numberFormat } from '@/lib/intl-formats';
import { CURRENCY } from '../types';

export interface FormatOptions {
  locale?: string;
  currency?: string;
  /** 'exceptZero' for changes: "+5", "-3" */
  signDisplay?: Intl.NumberFormatOptions['signDisplay'];
}

export function formatMoneyCents(cents: number, { locale, currency = CURRENCY, signDisplay }: FormatOptions = {}): string {
  return numberFormat(locale, { style: 'currency', currency, signDisplay }).format(cents / 100);
}

/** Short money for chart axes: $1.2K, $3M. */
export function formatMoneyCompact(cents: number, { locale, currency = CURRENCY }: FormatOptions = {}): string {
  return numberFormat(locale, {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(cents / 100);
}

export function formatCount(value: number, { locale, signDisplay }: FormatOptions = {}): string {
  return numberFormat(locale, { maximumFractionDigits: 0, signDisplay }).format(value);
}

export function formatPercent(percent: number, { locale }: FormatOptions = {}): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(
    percent / 100,
  );
}

export function formatTime(iso: string, { locale }: FormatOptions = {}): string {
  return dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

export function formatDateTime(iso: string, { locale }: FormatOptions = {}): string {
  return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
}
