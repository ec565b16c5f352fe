import { createElement, lazy, type ComponentType, type FunctionComponent } from 'react';

export type LazyComponent<P extends object> = FunctionComponent<P> & {
  /** Starts (or joins) the download; resolves once the component can render without suspending. */
  preload(): Promise<void>;
  /** Whether the code has arrived. */
  loaded(): boolean;
};

/**
 * A code-split component that can be fetched ahead of use. Unlike a bare `React.lazy`, once its
 * module has arrived (from `preload()` or an earlier render) it renders synchronously: a page
 * whose code was preloaded never suspends, not even for the microtask `React.lazy` needs, so a
 * warm navigation shows no Suspense fallback. Before that it suspends like `React.lazy`, so it
 * needs a `<Suspense>` above it. A failed download is not cached: the next `preload()` or render
 * tries again.
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>, displayName: string): LazyComponent<P> {
  let component: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  // Only rendered while the code is missing. React.lazy caches its promise, failure included, so
  // a failure drops it and the next render makes a fresh one.
  let suspending: ComponentType<P> | null = null;

  const fetchComponent = () =>
    (pending ??= load().then(
      (c) => (component = c),
      (error: unknown) => {
        pending = null;
        suspending = null;
        throw error;
      },
    ));

  const suspender = () => (suspending ??= lazy(() => fetchComponent().then((c) => ({ default: c }))));

  const Lazy = ((props: P) => (component ? createElement(component, props) : createElement(suspender(), props))) as LazyComponent<P>;
  Lazy.displayName = `Lazy(${displayName})`;
  Lazy.preload = () => fetchComponent().then(() => undefined);
  Lazy.loaded = () => component !== null;
  return Lazy;
}
