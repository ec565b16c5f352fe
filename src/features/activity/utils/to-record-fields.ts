import { numberFormat } from '@/lib/intl-formats';
import type { EntityRecord } from '../types';
import { CURRENCY } from '../types';
import { formatAbsoluteTime } from './format-relative-time';
import { humanize } from './to-sentence';

export interface RecordField {
  label: string;
  value: string;
}

const NONE = '—';

function money(cents: number | null, locale?: string): string {
  return cents === null ? NONE : numberFormat(locale, { style: 'currency', currency: CURRENCY }).format(cents / 100);
}

function when(iso: string | null, locale?: string): string {
  return iso === null ? NONE : formatAbsoluteTime(iso, locale) || NONE;
}

const or = (v: string | number | null) => (v === null || v === '' ? NONE : String(v));

/** The panel's title for a record: "Ticket #1042", "Order #5003", the customer's or product's name. */
export function toRecordTitle(record: EntityRecord | null, fallback: string): string {
  if (!record) return fallback;
  switch (record.type) {
    case 'ticket':
      return record.number === null ? 'Ticket' : `Ticket #${record.number}`;
    case 'order':
      return record.number === null ? 'Order' : `Order #${record.number}`;
    case 'customer':
      return record.name ?? 'Customer';
    case 'product':
      return record.name ?? 'Product';
  }
}

/** The fields shown for each kind, in the order a support agent reads them. */
export function toRecordFields(record: EntityRecord, locale?: string): RecordField[] {
  switch (record.type) {
    case 'ticket':
      return [
        { label: 'Number', value: record.number === null ? NONE : `#${record.number}` },
        { label: 'Customer', value: or(record.customerName) },
        { label: 'Device', value: or(record.device) },
        { label: 'Issue', value: or(record.issue) },
        { label: 'Status', value: record.status ? humanize(record.status) : NONE },
        { label: 'Priority', value: record.priority ? humanize(record.priority) : NONE },
        { label: 'Opened', value: when(record.openedAt, locale) },
        { label: 'Closed', value: record.closedAt ? when(record.closedAt, locale) : 'Not yet' },
      ];
    case 'order':
      return [
        { label: 'Number', value: record.number === null ? NONE : `#${record.number}` },
        { label: 'Customer', value: or(record.customerName) },
        { label: 'Status', value: record.status ? humanize(record.status) : NONE },
        { label: 'Total', value: money(record.totalCents, locale) },
        { label: 'Items', value: or(record.itemCount) },
      ];
    case 'customer':
      return [
        { label: 'Name', value: or(record.name) },
        { label: 'E-mail', value: or(record.email) },
        { label: 'Phone', value: or(record.phone) },
        { label: 'Open tickets', value: or(record.openTickets) },
      ];
    case 'product':
      return [
        { label: 'Name', value: or(record.name) },
        { label: 'SKU', value: or(record.sku) },
        { label: 'Price', value: money(record.priceCents, locale) },
        { label: 'Stock', value: or(record.stock) },
      ];
  }
}

export function formatLineTotal(quantity: number, unitPriceCents: number, locale?: string): string {
  return `${quantity} × ${money(unitPriceCents, locale)}`;
}
