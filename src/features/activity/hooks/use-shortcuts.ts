import { useEffect, useRef } from 'react';
import { toShortcut, type ShortcutAction } from '../utils/shortcuts';

/**
 * The page's keyboard shortcuts. Off while `enabled` is false (a dialog is open: it owns the
 * keys); never while typing in a field or with Ctrl/Alt/Meta held (see toShortcut).
 */
export function useShortcuts(onAction: (action: ShortcutAction) => void, enabled: boolean) {
  const handler = useRef(onAction);
  useEffect(() => {
    handler.current = onAction;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const action = toShortcut(e);
      if (!action) return;
      e.preventDefault();
      handler.current(action);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}
