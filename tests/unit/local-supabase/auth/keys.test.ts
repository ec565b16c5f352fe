import { describe, expect, it } from 'vitest';
import { ANON_KEY, createKeys, JwtError, PUBLISHABLE_KEY, SECRET_KEY, SERVICE_ROLE_KEY } from '../../../../local-supabase/auth/keys.ts';

const keys = createKeys();

async function reason(token: string): Promise<string> {
  try {
    await keys.verify(token);
  } catch (err) {
    if (err instanceof JwtError) return err.reason;
    throw err;
  }
  return 'valid';
}

describe('keys', () => {
  it('verifies the well-known demo keys with the CLI secret', async () => {
    expect(await keys.verify(ANON_KEY)).toEqual({ iss: 'supabase-demo', role: 'anon', exp: 1983812996 });
    expect((await keys.verify(SERVICE_ROLE_KEY)).role).toBe('service_role');
  });

  it('maps the opaque sb_ keys to the JWTs', async () => {
    expect(keys.toJwt(PUBLISHABLE_KEY)).toBe(ANON_KEY);
    expect(keys.toJwt(SECRET_KEY)).toBe(SERVICE_ROLE_KEY);
    expect((await keys.verify(SECRET_KEY)).role).toBe('service_role');
  });

  it('signs tokens it can verify, and refuses expired, forged and malformed ones', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await keys.sign({ role: 'authenticated', sub: 'u', iat: now, exp: now + 60 });
    expect(await reason(good)).toBe('valid');
    expect(await reason(await keys.sign({ role: 'authenticated', exp: now - 5 }))).toBe('expired');
    expect(await reason(await createKeys('another-secret-another-secret-another-secret').sign({ role: 'anon', exp: now + 60 }))).toBe('signature');
    expect(await reason('not-a-jwt')).toBe('malformed');
    await expect(keys.verify(await keys.sign({ role: 'x', exp: now - 10 }), { clockToleranceSec: 30 })).resolves.toMatchObject({ role: 'x' });
  });
});
