import { AuthError } from './errors.ts';

// badoux/checkmail ValidateFormat, which GoTrue's validateEmail uses.
const EMAIL_FORMAT =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's validateEmail: the lower-cased address, or 400 validation_failed. */
export function validateEmail(email: string): string {
  if (email === '') throw new AuthError(400, 'validation_failed', 'An email address is required');
  if (email.length > 255) throw new AuthError(400, 'validation_failed', 'An email address is too long');
  if (!EMAIL_FORMAT.test(email)) throw new AuthError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  return email.toLowerCase();
}

/** GoTrue's validatePhone: "+" and spaces dropped, then E.164 digits. */
export function validatePhone(phone: string): string {
  const formatted = phone.replace(/^\+/, '').replaceAll(' ', '');
  if (!/^[1-9][0-9]{1,14}$/.test(formatted)) throw new AuthError(400, 'validation_failed', 'Invalid phone number format (E.164 required)');
  return formatted;
}

/** A string field, or '' when absent; anything else is GoTrue's unmarshal error (400 bad_json). */
export function stringField(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: json: cannot unmarshal ${jsonKind(v)} into Go struct field .${key} of type string`);
  return v;
}

/** An object field (metadata), or null when absent. */
export function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: json: cannot unmarshal ${jsonKind(v)} into Go struct field .${key} of type map[string]interface {}`);
  }
  return v as Record<string, unknown>;
}

export function boolField(body: Record<string, unknown>, key: string): boolean {
  const v = body[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: json: cannot unmarshal ${jsonKind(v)} into Go struct field .${key} of type bool`);
  return v;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration in milliseconds ("24h", "-1h30m", "1.5h"), or null. */
export function parseDurationMs(text: string): number | null {
  const m = /^([+-]?)(.*)$/.exec(text);
  const body = m?.[2] ?? '';
  if (body === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let part = re.exec(body); part; part = re.exec(body)) {
    total += Number(part[1]) * (DURATION_UNITS_MS[part[2] ?? ''] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== body.length) return null;
  return m?.[1] === '-' ? -total : total;
}
