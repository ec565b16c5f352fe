import { useSyncExternalStore } from 'react';
import { isPageVisible, subscribeToVisibility } from '@/lib/page-visibility';

/** True while the tab is visible. */
export function usePageVisible(): boolean {
  return useSyncExternalStore(subscribeToVisibility, isPageVisible, () => true);
}
