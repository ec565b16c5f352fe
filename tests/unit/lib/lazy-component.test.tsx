import { act, render, screen } from '@testing-library/react';
import { Suspense, type ComponentType } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { lazyComponent } from '@/lib/lazy-component';

function Page({ name }: { name: string }) {
  return <h1>{name}</h1>;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const view = (Lazy: ComponentType<{ name: string }>) => (
  <Suspense fallback={<p>loading</p>}>
    <Lazy name="Overview" />
  </Suspense>
);

describe('lazyComponent', () => {
  it('suspends while its code is missing, then renders it', async () => {
    const code = deferred<typeof Page>();
    const Lazy = lazyComponent(() => code.promise, 'Page');
    render(view(Lazy));
    expect(screen.getByText('loading')).toBeInTheDocument();
    expect(Lazy.loaded()).toBe(false);
    await act(async () => code.resolve(Page));
    expect(screen.getByRole('heading', { name: 'Overview' })).toBeInTheDocument();
    expect(Lazy.loaded()).toBe(true);
  });

  it('renders at once, with no fallback, once preloaded', async () => {
    const load = vi.fn(async () => Page);
    const Lazy = lazyComponent(load, 'Page');
    await Lazy.preload();
    render(view(Lazy));
    expect(screen.getByRole('heading', { name: 'Overview' })).toBeInTheDocument();
    expect(screen.queryByText('loading')).not.toBeInTheDocument();
    await Lazy.preload();
    expect(load).toHaveBeenCalledOnce();
  });

  it('joins a download in flight instead of starting another', async () => {
    const code = deferred<typeof Page>();
    const load = vi.fn(() => code.promise);
    const Lazy = lazyComponent(load, 'Page');
    const first = Lazy.preload();
    render(view(Lazy));
    const second = Lazy.preload();
    code.resolve(Page);
    await act(() => Promise.all([first, second]));
    expect(load).toHaveBeenCalledOnce();
    expect(screen.getByRole('heading', { name: 'Overview' })).toBeInTheDocument();
  });

  it('tries again after a failed download', async () => {
    const load = vi.fn<() => Promise<typeof Page>>().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(Page);
    const Lazy = lazyComponent(load, 'Page');
    await expect(Lazy.preload()).rejects.toThrow('offline');
    await Lazy.preload();
    expect(load).toHaveBeenCalledTimes(2);
    render(view(Lazy));
    expect(screen.getByRole('heading', { name: 'Overview' })).toBeInTheDocument();
  });
});
