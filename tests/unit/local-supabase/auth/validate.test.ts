import { describe, expect, it } from 'vitest';
import { linkHeader } from '../../../../local-supabase/auth/admin-list.ts';
import { AuthError } from '../../../../local-supabase/auth/errors.ts';
import { parseDurationMs, stringField, validateEmail, validatePhone } from '../../../../local-supabase/auth/validate.ts';

describe('validateEmail', () => {
  it('lower-cases a valid address', () => expect(validateEmail('Jane.Doe+x@Example.COM')).toBe('jane.doe+x@example.com'));
  it.each([
    ['', 'An email address is required'],
    ['no-at-sign', 'Unable to validate email address: invalid format'],
    ['a@-bad-.com', 'Unable to validate email address: invalid format'],
    [`${'a'.repeat(250)}@x.com`, 'An email address is too long'],
  ])('refuses %j: %s', (email, message) => expect(() => validateEmail(email)).toThrow(message));
});

describe('validatePhone', () => {
  it('drops "+" and spaces', () => expect(validatePhone('+1 555 0100')).toBe('15550100'));
  it('refuses non-E.164 numbers', () => expect(() => validatePhone('0123')).toThrow('Invalid phone number format (E.164 required)'));
});

describe('stringField', () => {
  it('refuses a non-string with a 400 bad_json, as Go fails to unmarshal it', () => {
    expect(() => stringField({ email: 5 }, 'email')).toThrow(AuthError);
    expect(stringField({}, 'email')).toBe('');
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['-1h', -3_600_000],
    ['100ms', 100],
    ['0', 0],
  ])('%s is %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));
  it.each(['', 'forever', '1d', '5'])('refuses %j', (text) => expect(parseDurationMs(text)).toBeNull());
});

describe('linkHeader', () => {
  it("is GoTrue's: next while pages remain, always last, sorted query", () => {
    const q = new URLSearchParams('per_page=2&page=1');
    expect(linkHeader(q, 1, 2, 5)).toBe('</admin/users?page=2&per_page=2>; rel="next", </admin/users?page=3&per_page=2>; rel="last"');
    expect(linkHeader(q, 3, 2, 5)).toBe('</admin/users?page=3&per_page=2>; rel="last"');
  });
});
