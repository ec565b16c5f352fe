import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import { NOT_STAFF_MESSAGE } from '@/live/stores/session-store';
import { signInStaff } from '@/live/tabs/sign-in-staff';
import { fakeApi, FakeWorld, jwtFor } from './fakes';

const client = {} as AppSupabaseClient;

describe('signInStaff', () => {
  it('returns the user id from the token and the staff profile', async () => {
    expect(await signInStaff(fakeApi(new FakeWorld()), client, 'a@example.com', 'pw')).toMatchObject({ userId: 'user-1', user: { role: 'admin' } });
  });

  it('signs a user without a staff profile out again', async () => {
    const api = fakeApi(new FakeWorld());
    api.getCurrentStaff = () => Promise.reject(new ApiError('staff only', 403, '42501'));
    const signOut = vi.spyOn(api, 'signOut');
    expect(await signInStaff(api, client, 'a@example.com', 'pw')).toEqual({ error: NOT_STAFF_MESSAGE });
    expect(signOut).toHaveBeenCalled();
  });

  it('says what went wrong: bad credentials, or no server', async () => {
    const api = fakeApi(new FakeWorld());
    api.signInWithPassword = () => Promise.reject(new ApiError('Invalid login credentials', 400, 'invalid_credentials'));
    expect(await signInStaff(api, client, 'a@example.com', 'nope')).toEqual({ error: 'Invalid login credentials' });
    api.signInWithPassword = () => Promise.reject(new ApiError('fetch failed', 0, 'network'));
    expect(await signInStaff(api, client, 'a@example.com', 'pw')).toEqual({ error: expect.stringContaining('Cannot reach the server') });
    api.signInWithPassword = async () => ({ accessToken: jwtFor('u-9'), expiresAt: null });
    expect(await signInStaff(api, client, 'a@example.com', 'pw')).toMatchObject({ userId: 'u-9' });
  });
});
