import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('config/env', () => {
  it('reads the Supabase URL and anon key', async () => {
    vi.stubEnv('VITE_SUPABASE_URL', 'http://127.0.0.1:54321');
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', 'anon');
    const { getEnv } = await import('@/config/env');
    expect(getEnv()).toEqual({ supabaseUrl: 'http://127.0.0.1:54321', supabaseAnonKey: 'anon', liveTransport: 'postgres_changes' });
  });

  it('reads the live transport, postgres_changes unless told otherwise', async () => {
    vi.stubEnv('VITE_SUPABASE_URL', 'http://127.0.0.1:54321');
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', 'anon');
    vi.stubEnv('VITE_LIVE_TRANSPORT', ' broadcast ');
    const { getEnv } = await import('@/config/env');
    expect(getEnv().liveTransport).toBe('broadcast');
  });

  it('refuses an unknown live transport with an error naming the variable and the choices', async () => {
    vi.stubEnv('VITE_SUPABASE_URL', 'http://127.0.0.1:54321');
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', 'anon');
    vi.stubEnv('VITE_LIVE_TRANSPORT', 'websockets');
    const { getEnv } = await import('@/config/env');
    expect(() => getEnv()).toThrow(/VITE_LIVE_TRANSPORT must be postgres_changes or broadcast, not "websockets"/);
  });

  it('names the missing variable', async () => {
    vi.stubEnv('VITE_SUPABASE_URL', 'http://127.0.0.1:54321');
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', '');
    const { getEnv } = await import('@/config/env');
    expect(() => getEnv()).toThrow(/VITE_SUPABASE_ANON_KEY/);
  });
});
