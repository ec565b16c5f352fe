const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements Tab reaches inside `root`, in order. */
export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[hidden], [inert]'));
}

/** Keeps Tab and Shift+Tab inside `root`; returns true when it moved the focus itself. */
export function trapTab(root: HTMLElement, shiftKey: boolean): boolean {
  const items = focusableIn(root);
  if (items.length === 0) {
    root.focus();
    return true;
  }
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = document.activeElement;
  const inside = active instanceof HTMLElement && root.contains(active);
  if (shiftKey && (!inside || active === first || active === root)) {
    last.focus();
    return true;
  }
  if (!shiftKey && (!inside || active === last)) {
    first.focus();
    return true;
  }
  return false;
}
