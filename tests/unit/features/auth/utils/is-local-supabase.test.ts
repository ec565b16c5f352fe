import { describe, expect, it } from 'vitest';
import { isLocalSupabase } from '@/features/auth/utils/is-local-supabase';

describe('isLocalSupabase', () => {
  it('is true only for this machine', () => {
    expect(isLocalSupabase('http://127.0.0.1:54321')).toBe(true);
    expect(isLocalSupabase('http://localhost:54321')).toBe(true);
    expect(isLocalSupabase('https://abcd.supabase.co')).toBe(false);
    expect(isLocalSupabase('not a url')).toBe(false);
    expect(isLocalSupabase(undefined)).toBe(false);
  });
});
