// Small guards for parsing untyped JSON at the edge (RPC results, realtime payloads).
export type JsonObject = Record<string, unknown>;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The server answered, but not in the shape the contract promises: an error, never "offline". */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/** Any JSON value, kept as is (structured-clone safe); throws on functions, undefined, NaN. */
export function requireJson(value: unknown, field: string): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((v, i) => requireJson(v, `${field}[${i}]`));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, requireJson(v, `${field}.${k}`)]));
  throw new ParseError(`Unexpected value for ${field}`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return null;
}

export function toIntOrNull(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  return requireInt(value, field);
}

export function requireInt(value: unknown, field: string): number {
  const n = toInt(value);
  if (n === null) throw new ParseError(`Unexpected value for ${field}: ${JSON.stringify(value)}`);
  return n;
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ParseError(`Unexpected value for ${field}: ${JSON.stringify(value)}`);
  return value;
}

export function requireObject(value: unknown, field: string): JsonObject {
  if (!isObject(value)) throw new ParseError(`Unexpected value for ${field}: expected an object`);
  return value;
}

export function requireArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ParseError(`Unexpected value for ${field}: expected an array`);
  return value;
}

/** ISO timestamp string → normalised ISO (Z). Throws on unparsable input. */
export function requireTimestamp(value: unknown, field: string): string {
  const s = requireString(value, field);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new ParseError(`Unexpected timestamp for ${field}: ${s}`);
  return new Date(t).toISOString();
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A timestamptz as Postgres writes it into JSON ("2026-12-01T23:15:52.123456+00:00") → microseconds
 * since the epoch, without the loss of Date's milliseconds (two commits can share one).
 */
export function requireTimestampMicros(value: unknown, field: string): number {
  const s = requireString(value, field);
  const m = TIMESTAMP.exec(s.trim());
  if (!m) throw new ParseError(`Unexpected timestamp for ${field}: ${s}`);
  const [, date, time, fraction = '', zone] = m;
  let offset = zone!;
  if (offset !== 'Z') offset = offset.length === 3 ? `${offset}:00` : offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const ms = Date.parse(`${date}T${time}${offset}`);
  if (Number.isNaN(ms)) throw new ParseError(`Unexpected timestamp for ${field}: ${s}`);
  return ms * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}
