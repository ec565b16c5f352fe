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
    expect(getEnv()).toEqual({ supabaseUrl: 'http://127.0.0.1:54321', supabaseAnonKey: 'anon' });
  });

  it('names the missing variable', async () => {
    vi.stubEnv('VITE_SUPABASE_URL', 'http://127.0.0.1:54321');
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', '');
    const { getEnv } = await import('@/config/env');
    expect(() => getEnv()).toThrow(/VITE_SUPABASE_ANON_KEY/);
  });
});
