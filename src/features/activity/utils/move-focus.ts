const ITEM_LINK = '[data-testid="activity-item"] a';

/**
 * j/k: focus the next or previous item's link in `root` and keep it in view. Starts at the first
 * item when the focus is elsewhere. Returns the focused link, or null when there are no items.
 */
export function moveItemFocus(root: HTMLElement | null, direction: 1 | -1): HTMLElement | null {
  if (!root) return null;
  const links = [...root.querySelectorAll<HTMLElement>(ITEM_LINK)];
  if (links.length === 0) return null;
  const active = document.activeElement;
  const current = links.findIndex((l) => l === active || l.closest('[data-testid="activity-item"]')?.contains(active));
  const index = current === -1 ? 0 : Math.min(links.length - 1, Math.max(0, current + direction));
  const target = links[index]!;
  target.focus();
  target.scrollIntoView?.({ block: 'nearest' });
  return target;
}

/** The first item of an entity in the list (ids are validated uuids), for giving focus back when a pasted link's panel closes. */
export function itemLinkFor(root: HTMLElement | null, entityId: string): HTMLElement | null {
  return root?.querySelector<HTMLElement>(`[data-testid="activity-item"][data-entity-id="${entityId}"] a`) ?? null;
}
