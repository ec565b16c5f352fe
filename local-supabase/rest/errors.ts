import type { DbError } from '../db/types.ts';

/** A PostgREST error: body {code, details, hint, message}, all four keys always present. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** a string, or (PGRST201) the list of candidate relationships */
    readonly details: unknown = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RestError';
  }

  body(): { code: string; details: unknown; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** HTTP status for a SQLSTATE, as PostgREST v14 maps it (src/PostgREST/Error.hs pgErrorStatus). */
export function pgErrorStatus(code: string, authenticated: boolean): number {
  if (code === '42501') return authenticated ? 403 : 401;
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const exact: Record<string, number> = {
    '23503': 409,
    '23505': 409,
    '25006': 405,
    P0001: 400,
    '42883': 404,
    '42P01': 404,
    '42P17': 500,
    '53400': 500,
  };
  const status = exact[code];
  if (status !== undefined) return status;
  const byClass: Record<string, number> = {
    '08': 503,
    '09': 500,
    '0L': 403,
    '0P': 403,
    '25': 500,
    '28': 403,
    '2D': 500,
    '38': 500,
    '39': 500,
    '3B': 500,
    '40': 500,
    '53': 503,
    '54': 413,
    '55': 500,
    '57': 500,
    '58': 500,
    F0: 500,
    HV: 500,
    P0: 500,
    XX: 500,
  };
  return byClass[code.slice(0, 2)] ?? 400;
}

/** Turns a database error raised while serving a request into PostgREST's reply. */
export function restErrorFromDb(err: DbError, role: string): RestError {
  const authenticated = role !== 'anon';
  const status = pgErrorStatus(err.code, authenticated);
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
  return new RestError(status, err.code, err.message, err.detail ?? null, err.hint ?? null, headers);
}

export function jwtRestError(reason: 'expired' | 'invalid', message: string): RestError {
  const code = reason === 'expired' ? 'PGRST303' : 'PGRST301';
  const description = reason === 'expired' ? 'JWT expired' : message;
  return new RestError(401, code, description, null, null, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
  });
}
