import { useEffect, useId, useRef, type HTMLAttributes, type KeyboardEvent, type ReactNode } from 'react';
import { Button } from './button';
import { trapTab } from './focusable';

export interface DialogProps extends Omit<HTMLAttributes<HTMLDivElement>, 'title'> {
  title: ReactNode;
  onClose: () => void;
  /** 'side': a panel on the right (drill-down); 'center': a small dialog */
  placement?: 'side' | 'center';
  /** where focus goes on close when the element that had it before is gone */
  fallbackFocus?: () => HTMLElement | null;
  children: ReactNode;
}

/**
 * A modal dialog: labelled by its title, focus moves in on open and stays in on Tab, Escape
 * closes, and focus returns to what had it before (or to `fallbackFocus`).
 */
export function Dialog({ title, onClose, placement = 'center', fallbackFocus, className, children, ...rest }: DialogProps) {
  const titleId = useId();
  const root = useRef<HTMLDivElement>(null);
  const fallback = useRef(fallbackFocus);
  useEffect(() => {
    fallback.current = fallbackFocus;
  });

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    root.current?.focus();
    return () => {
      const target = before && before.isConnected && before !== document.body ? before : fallback.current?.();
      target?.focus();
    };
  }, []);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      onClose();
    } else if (e.key === 'Tab' && root.current && trapTab(root.current, e.shiftKey)) {
      e.preventDefault();
    }
  }

  return (
    <div className={`dialog-layer dialog-layer--${placement}`}>
      <div className="dialog-backdrop" aria-hidden="true" onClick={onClose} />
      <div
        ref={root}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={['dialog', `dialog--${placement}`, className].filter(Boolean).join(' ')}
        onKeyDown={onKeyDown}
        {...rest}
      >
        <div className="dialog__header">
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          <Button size="small" variant="ghost" onClick={onClose}>
            Close
          </Button>
        </div>
        <div className="dialog__body">{children}</div>
      </div>
    </div>
  );
}
