import { describe, expect, it } from 'vitest';
import { AuthError, authErrorBody } from '../../../../local-supabase/auth/errors.ts';
import { jwtRestError, pgErrorStatus, restErrorFromDb } from '../../../../local-supabase/rest/errors.ts';

describe('pgErrorStatus (PostgREST v14 mapping)', () => {
  it('makes 42501 a 401 for anon and a 403 for signed-in roles', () => {
    expect(pgErrorStatus('42501', false)).toBe(401);
    expect(pgErrorStatus('42501', true)).toBe(403);
  });

  it('maps the common SQLSTATEs', () => {
    expect(pgErrorStatus('P0001', true)).toBe(400);
    expect(pgErrorStatus('P0002', true)).toBe(500);
    expect(pgErrorStatus('23505', true)).toBe(409);
    expect(pgErrorStatus('23503', true)).toBe(409);
    expect(pgErrorStatus('23514', true)).toBe(400);
    expect(pgErrorStatus('25006', true)).toBe(405);
    expect(pgErrorStatus('42883', true)).toBe(404);
    expect(pgErrorStatus('42P01', true)).toBe(404);
    expect(pgErrorStatus('57014', true)).toBe(500);
    expect(pgErrorStatus('08006', true)).toBe(503);
    expect(pgErrorStatus('54001', true)).toBe(413);
    expect(pgErrorStatus('22P02', true)).toBe(400);
    expect(pgErrorStatus('PT418', true)).toBe(418);
  });
});

describe('restErrorFromDb', () => {
  it('keeps message, detail and hint, with null for the missing ones', () => {
    const err = restErrorFromDb({ code: '42501', message: 'staff only', hint: 'Sign in' }, 'anon');
    expect(err.status).toBe(401);
    expect(err.body()).toEqual({ code: '42501', details: null, hint: 'Sign in', message: 'staff only' });
    expect(err.headers['WWW-Authenticate']).toBe('Bearer');
  });
});

describe('jwtRestError', () => {
  it('answers PGRST303 for expiry and PGRST301 for the rest', () => {
    expect(jwtRestError('expired', 'x').body()).toEqual({ code: 'PGRST303', details: null, hint: null, message: 'JWT expired' });
    const bad = jwtRestError('invalid', 'JWT cryptographic operation failed');
    expect(bad.status).toBe(401);
    expect(bad.code).toBe('PGRST301');
  });
});

describe('authErrorBody', () => {
  const err = new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
  it('uses the 2024-01-01 shape when the client asks for it', () => {
    expect(authErrorBody(err, '2024-01-01')).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });
  });
  it('falls back to the legacy shape', () => {
    expect(authErrorBody(err, undefined)).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });
});
