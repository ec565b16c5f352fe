import { afterEach, describe, expect, it, vi } from 'vitest';
import { realtimeWorkerOptions } from '@/lib/supabase';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('realtime worker heartbeat options', () => {
  it('in a browser: the worker heartbeat, with the app`s own worker script from its origin', () => {
    vi.stubGlobal('Worker', class {});
    vi.stubGlobal('location', { href: 'https://dash.example.com/activity' });
    const options = realtimeWorkerOptions();
    expect(options.worker).toBe(true);
    const url = new URL(options.workerUrl!);
    expect(url.origin).toBe('https://dash.example.com');
    expect(url.pathname).toMatch(/live-worker\.js$/);
  });

  it('without workers (Node): the page`s own heartbeat, as before', () => {
    vi.stubGlobal('Worker', undefined);
    expect(realtimeWorkerOptions()).toEqual({});
  });
});
