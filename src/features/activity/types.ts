import type { FeedState as LiveFeedState } from '@/live/dashboard-reducer';
import type { EntityType } from '@/live/types';

export const CURRENCY = 'USD';

export const ACTIVITY_FILTERS: readonly { type: EntityType; label: string }[] = [
  { type: 'ticket', label: 'Tickets' },
  { type: 'order', label: 'Orders' },
  { type: 'customer', label: 'Customers' },
  { type: 'product', label: 'Products' },
];

export const LATEST_ACTIVITY_LIMIT = 20;


/** What the feed components render (the window's generation is the engine's business). */
export type FeedState = Omit<LiveFeedState, 'generation'>;
