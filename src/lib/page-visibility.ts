// The page's visibility as a small subscribable (no React), for the views that care whether the
// agent can see them (the "new since last visit" divider, the tab title's unseen count).

export function isPageVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState !== 'hidden';
}

export function subscribeToVisibility(listener: () => void): () => void {
  if (typeof document === 'undefined') return () => {};
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
}
