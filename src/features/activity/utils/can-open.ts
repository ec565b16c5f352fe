import type { EntityType, StaffRole } from '@/live/types';

export const KIND_NAMES: Record<EntityType, string> = { ticket: 'Ticket', order: 'Order', customer: 'Customer', product: 'Product' };

/** The kinds a role may see; support never sees orders (RLS and entity_detail say the same). */
export function kindsFor(role: StaffRole): EntityType[] {
  return role === 'admin' ? ['ticket', 'order', 'customer', 'product'] : ['ticket', 'customer', 'product'];
}

export function canOpen(role: StaffRole, type: EntityType): boolean {
  return kindsFor(role).includes(type);
}
