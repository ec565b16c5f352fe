export type ShortcutAction = 'focus-search' | 'next' | 'previous' | 'help';

export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: '/', action: 'Search the activity' },
  { keys: 'j', action: 'Next item' },
  { keys: 'k', action: 'Previous item' },
  { keys: 'Enter', action: 'Open the item' },
  { keys: 'Esc', action: 'Close the panel or dialog' },
  { keys: '?', action: 'Show these shortcuts' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
  isComposing?: boolean;
}

/** A field the user types into: shortcuts must leave its keys alone. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  if (el.closest('textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
  const input = el.closest('input');
  return input !== null && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(input.type);
}

/** The page shortcut a key press means, or null (typing, modifier keys, IME composition, anything else). */
export function toShortcut(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || isTypingTarget(e.target)) return null;
  switch (e.key) {
    case '/':
      return 'focus-search';
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case '?':
      return 'help';
    default:
      return null;
  }
}
