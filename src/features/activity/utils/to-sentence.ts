import { numberFormat } from '@/lib/intl-formats';
import type { ActivityItem } from '@/live/types';
import { CURRENCY } from '../types';

export interface SentenceOptions {
  locale?: string;
  currency?: string;
}

type Summary = ActivityItem['summary'];

function text(s: Summary, key: string): string | null {
  const v = s[key];
  if (v === null || v === undefined || Array.isArray(v)) return null;
  const str = String(v).trim();
  return str === '' ? null : str;
}

function num(s: Summary, key: string): number | null {
  const v = s[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

export function humanize(value: string | null): string {
  if (!value) return 'unknown';
  const words = value.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function money(cents: number | null, opts: SentenceOptions): string | null {
  if (cents === null) return null;
  return numberFormat(opts.locale, { style: 'currency', currency: opts.currency ?? CURRENCY }).format(cents / 100);
}

function ref(prefix: string, n: number | null): string {
  return n === null ? prefix : `${prefix} #${n}`;
}

function forWhom(s: Summary): string {
  const name = text(s, 'customer_name');
  return name ? ` for ${name}` : '';
}

function ticketSentence(item: ActivityItem): string {
  const s = item.summary;
  const ticket = ref('Ticket', num(s, 'ticket_number'));
  const device = text(s, 'device');
  switch (item.kind) {
    case 'ticket_created': {
      const issue = text(s, 'issue');
      const what = [device, issue].filter(Boolean).join(': ');
      const priority = text(s, 'priority');
      const urgent = priority === 'high' || priority === 'urgent' ? ` (${priority} priority)` : '';
      return `${ref('New ticket', num(s, 'ticket_number'))}${forWhom(s)}${what ? ` — ${what}` : ''}${urgent}`;
    }
    case 'ticket_status_changed':
      return `${ticket}${forWhom(s)} moved from ${humanize(text(s, 'old_status'))} to ${humanize(text(s, 'new_status'))}`;
    default:
      return `${ticket}${forWhom(s)} was deleted`;
  }
}

function orderSentence(item: ActivityItem, opts: SentenceOptions): string {
  const s = item.summary;
  const order = ref('Order', num(s, 'order_number'));
  const total = money(num(s, 'total_cents'), opts);
  switch (item.kind) {
    case 'order_placed': {
      const count = num(s, 'item_count');
      const items = count === null ? null : `${count} ${count === 1 ? 'item' : 'items'}`;
      const detail = [items, total].filter(Boolean).join(', ');
      const by = text(s, 'customer_name');
      return `${order} placed${by ? ` by ${by}` : ''}${detail ? ` — ${detail}` : ''}`;
    }
    case 'order_status_changed':
      return `${order}${forWhom(s)} moved from ${humanize(text(s, 'old_status'))} to ${humanize(text(s, 'new_status'))}`;
    default:
      return `${order}${forWhom(s)}${total ? ` (${total})` : ''} was deleted`;
  }
}

function customerSentence(item: ActivityItem): string {
  const s = item.summary;
  const name = text(s, 'customer_name') ?? 'A customer';
  const email = text(s, 'email');
  switch (item.kind) {
    case 'customer_registered':
      return `New customer ${name}${email ? ` (${email})` : ''}`;
    case 'customer_updated': {
      const changed = s.changed;
      const fields = Array.isArray(changed) && changed.length > 0 ? `: ${changed.map((f) => f.replace(/_/g, ' ')).join(', ')}` : '';
      return `Customer ${name} updated${fields}`;
    }
    default:
      return `Customer ${name} was removed`;
  }
}

function productSentence(item: ActivityItem, opts: SentenceOptions): string {
  const s = item.summary;
  const name = text(s, 'product_name') ?? 'A product';
  const sku = text(s, 'sku');
  const label = `${name}${sku ? ` (${sku})` : ''}`;
  const price = money(num(s, 'price_cents'), opts);
  const stock = num(s, 'stock');
  switch (item.kind) {
    case 'product_created': {
      const detail = [price, stock === null ? null : `${stock} in stock`].filter(Boolean).join(', ');
      return `New product ${label}${detail ? ` — ${detail}` : ''}`;
    }
    case 'product_updated': {
      const changes: string[] = [];
      const oldPrice = money(num(s, 'old_price_cents'), opts);
      if (oldPrice && price && oldPrice !== price) changes.push(`price ${oldPrice} → ${price}`);
      const oldStock = num(s, 'old_stock');
      if (oldStock !== null && stock !== null && oldStock !== stock) changes.push(`stock ${oldStock} → ${stock}`);
      return `Product ${label} updated${changes.length ? `: ${changes.join(', ')}` : ''}`;
    }
    default:
      return `Product ${label} was removed`;
  }
}

/** One human sentence per activity, built only from the activity's summary. */
export function toSentence(item: ActivityItem, opts: SentenceOptions = {}): string {
  switch (item.entityType) {
    case 'ticket':
      return ticketSentence(item);
    case 'order':
      return orderSentence(item, opts);
    case 'customer':
      return customerSentence(item);
    case 'product':
      return productSentence(item, opts);
    default:
      return `Activity: ${humanize(String(item.kind))}`;
  }
}
