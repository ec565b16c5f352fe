import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createKeys } from '../../../../local-supabase/auth/keys.ts';
import { checkToken, connectErrorMessage, joinErrorReason } from '../../../../local-supabase/realtime/tokens.ts';

const keys = createKeys();
const now = Math.floor(Date.now() / 1000);

describe('realtime token checks', () => {
  it('accepts the anon key, and the publishable key as the anon key', async () => {
    expect(await checkToken(keys, keys.anonKey)).toMatchObject({ ok: true, claims: { role: 'anon' } });
    expect(await checkToken(keys, keys.publishableKey)).toMatchObject({ ok: true, claims: { role: 'anon' } });
    expect(await checkToken(keys, keys.secretKey)).toMatchObject({ ok: true, claims: { role: 'service_role' } });
  });

  it('names expired, forged, malformed and incomplete tokens as Realtime does', async () => {
    const expired = await checkToken(keys, await keys.sign({ role: 'anon', exp: now - 30 }), now);
    expect(expired).toEqual({ ok: false, failure: { kind: 'expired', secondsAgo: 30 } });
    if (!expired.ok) {
      expect(joinErrorReason(expired.failure)).toBe('InvalidJWTToken: Token has expired 30 seconds ago');
      expect(connectErrorMessage(expired.failure)).toBe('Token has expired');
    }
    const forged = await new SignJWT({ role: 'anon', exp: now + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const f = await checkToken(keys, forged);
    expect(!f.ok && joinErrorReason(f.failure)).toBe('JwtSignatureError: Failed to validate JWT signature');
    const m = await checkToken(keys, 'not.a.jwt');
    expect(!m.ok && joinErrorReason(m.failure)).toBe('MalformedJWT: The token provided is not a valid JWT');
    const noRole = await checkToken(keys, await keys.sign({ exp: now + 60 }));
    expect(!noRole.ok && joinErrorReason(noRole.failure)).toBe('InvalidJWTToken: Fields `role` and `exp` are required in JWT');
  });
});
