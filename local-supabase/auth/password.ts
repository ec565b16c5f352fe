import type { PasswordRequirements } from '../config.ts';
import { AuthError } from './errors.ts';

/** bcrypt reads at most 72 bytes; GoTrue refuses longer passwords (api/password.go). */
export const MAX_PASSWORD_BYTES = 72;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = `!@#$%^&*()_+-=[]{};'\\:"|<>?,./\`~`;

/** GOTRUE_PASSWORD_REQUIRED_CHARACTERS as the CLI sets it for each config.toml value (one set per entry). */
export function requiredCharacterSets(req: PasswordRequirements): string[] {
  switch (req) {
    case 'letters_digits':
      return [LOWER + UPPER, DIGITS];
    case 'lower_upper_letters_digits':
      return [LOWER, UPPER, DIGITS];
    case 'lower_upper_letters_digits_symbols':
      return [LOWER, UPPER, DIGITS, SYMBOLS];
    default:
      return [];
  }
}

export interface PasswordRules {
  minLength: number;
  requirements: PasswordRequirements;
}

export interface WeakPassword {
  message: string;
  reasons: string[];
}

/** GoTrue's checkPasswordStrength without the HaveIBeenPwned check: null when the password is strong enough. */
export function weakPassword(password: string, rules: PasswordRules): WeakPassword | null {
  const reasons: string[] = [];
  const messages: string[] = [];
  // Go's len() counts bytes, so multi-byte characters count several times, as on Supabase.
  if (Buffer.byteLength(password) < rules.minLength) {
    reasons.push('length');
    messages.push(`Password should be at least ${rules.minLength} characters.`);
  }
  const sets = requiredCharacterSets(rules.requirements);
  if (sets.some((set) => ![...password].some((ch) => set.includes(ch)))) {
    reasons.push('characters');
    messages.push(`Password should contain at least one character of each: ${sets.join(', ')}.`);
  }
  return reasons.length ? { message: messages.join(' '), reasons } : null;
}

/** Throws GoTrue's errors for a password it would refuse on sign-up or on a password change. */
export function checkPasswordStrength(password: string, rules: PasswordRules): void {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw new AuthError(400, 'validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  const weak = weakPassword(password, rules);
  if (weak) throw new AuthError(422, 'weak_password', weak.message, false, { reasons: weak.reasons });
}
