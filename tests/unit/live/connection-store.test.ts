import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConnectionStore } from '@/live/stores/connection-store';

afterEach(() => {
  vi.useRealTimers();
});

describe('connection store', () => {
  it('takes its start time from the environment it is given', () => {
    expect(createConnectionStore({ now: () => 42_000 }).getState()).toMatchObject({ state: 'connecting', since: 42_000 });
  });

  it('by default from the browser environment, read when the store is made (fake timers apply)', () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
    expect(createConnectionStore().getState().since).toBe(Date.parse('2026-03-10T10:30:00Z'));
  });
});
