import { useEffect, useRef } from 'react';

export interface LoadMoreSentinelProps {
  /** Called when the sentinel scrolls into view (and again each time it re-enters). */
  onVisible: () => void;
  disabled?: boolean;
  rootMargin?: string;
}

/** An invisible marker at the end of a list that asks for more when it comes into view. */
export function LoadMoreSentinel({ onVisible, disabled = false, rootMargin = '200px' }: LoadMoreSentinelProps) {
  const ref = useRef<HTMLDivElement>(null);
  const callback = useRef(onVisible);

  useEffect(() => {
    callback.current = onVisible;
  }, [onVisible]);

  useEffect(() => {
    const node = ref.current;
    if (!node || disabled || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) callback.current();
      },
      { rootMargin },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [disabled, rootMargin]);

  return <div ref={ref} data-testid="load-more-sentinel" aria-hidden="true" style={{ height: 1 }} />;
}
