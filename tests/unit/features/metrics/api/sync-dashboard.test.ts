import { afterEach, describe, expect, it, vi } from 'vitest';
import { SYNC_TIMEOUT_MS, syncDashboard } from '@/features/metrics/api/sync-dashboard';
import { isNetworkError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';

const params = { after: null, epoch: null, limit: 100, revenueFrom: null, bucket: 'day', tz: 'UTC' } as const;

/** A client whose dashboard_sync never answers until its request is aborted, as postgrest-js reports an abort. */
function hangingClient() {
  const signals: AbortSignal[] = [];
  const client = {
    rpc: () => ({
      abortSignal: (signal: AbortSignal) => {
        signals.push(signal);
        return new Promise((resolve) =>
          signal.addEventListener('abort', () =>
            resolve({ data: null, error: { message: 'AbortError: This operation was aborted', code: '', details: '', hint: '' }, status: 0 }),
          ),
        );
      },
    }),
  } as unknown as AppSupabaseClient;
  return { client, signals };
}

describe('syncDashboard', () => {
  afterEach(() => vi.useRealTimers());

  it('gives up on a sync that hangs and reports it as a network failure the engine retries', async () => {
    vi.useFakeTimers();
    const { client, signals } = hangingClient();
    const result = syncDashboard(client, params).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(SYNC_TIMEOUT_MS - 1);
    expect(signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = await result;
    expect(signals[0]?.aborted).toBe(true);
    expect(isNetworkError(err)).toBe(true);
  });

  it('clears its timer once the answer is in', async () => {
    vi.useFakeTimers();
    const client = { rpc: () => ({ abortSignal: () => Promise.resolve({ data: null, error: { message: 'staff only', code: '42501' }, status: 403 }) }) } as unknown as AppSupabaseClient;
    await expect(syncDashboard(client, params)).rejects.toMatchObject({ status: 403 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
