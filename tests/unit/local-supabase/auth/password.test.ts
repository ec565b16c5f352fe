import { describe, expect, it } from 'vitest';
import { AuthError, authErrorBody } from '../../../../local-supabase/auth/errors.ts';
import { checkPasswordStrength, weakPassword } from '../../../../local-supabase/auth/password.ts';

describe('weakPassword', () => {
  it('names the length reason with the configured minimum', () => {
    expect(weakPassword('abc', { minLength: 6, requirements: '' })).toEqual({
      message: 'Password should be at least 6 characters.',
      reasons: ['length'],
    });
    expect(weakPassword('abcdef', { minLength: 6, requirements: '' })).toBeNull();
  });

  it('counts bytes as Go does', () => {
    expect(weakPassword('ééé', { minLength: 6, requirements: '' })).toBeNull();
  });

  it('checks each required character set and lists them', () => {
    const rules = { minLength: 6, requirements: 'lower_upper_letters_digits' as const };
    expect(weakPassword('Abcdef1', rules)).toBeNull();
    expect(weakPassword('abcdef1', rules)).toEqual({
      message: 'Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.',
      reasons: ['characters'],
    });
    expect(weakPassword('ab', rules)?.reasons).toEqual(['length', 'characters']);
    expect(weakPassword('Abcdef1!', { minLength: 6, requirements: 'lower_upper_letters_digits_symbols' })).toBeNull();
    expect(weakPassword('Abcdef1', { minLength: 6, requirements: 'lower_upper_letters_digits_symbols' })?.reasons).toEqual(['characters']);
    expect(weakPassword('abcdef1', { minLength: 6, requirements: 'letters_digits' })).toBeNull();
  });
});

describe('checkPasswordStrength', () => {
  it("throws GoTrue's weak_password error with the reasons in both body shapes", () => {
    let err: unknown;
    try {
      checkPasswordStrength('abc', { minLength: 6, requirements: '' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AuthError);
    const authErr = err as AuthError;
    expect(authErr.status).toBe(422);
    expect(authErrorBody(authErr, '2024-01-01')).toEqual({
      code: 'weak_password',
      message: 'Password should be at least 6 characters.',
      weak_password: { reasons: ['length'] },
    });
    expect(authErrorBody(authErr, undefined)).toEqual({
      code: 422,
      error_code: 'weak_password',
      msg: 'Password should be at least 6 characters.',
      weak_password: { reasons: ['length'] },
    });
  });

  it('refuses passwords longer than bcrypt reads', () => {
    expect(() => checkPasswordStrength('x'.repeat(73), { minLength: 6, requirements: '' })).toThrow('Password cannot be longer than 72 characters');
    expect(() => checkPasswordStrength('x'.repeat(72), { minLength: 6, requirements: '' })).not.toThrow();
  });
});
