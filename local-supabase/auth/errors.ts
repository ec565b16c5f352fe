/** A GoTrue error; `code` is the error_code string (e.g. invalid_credentials). */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** OAuth-style errors ({error, error_description}) whatever the API version */
    readonly oauth = false,
    /** The `weak_password` payload GoTrue adds to weak_password errors. */
    readonly weakPassword?: { reasons: string[] },
    /** What went wrong underneath, for the server's log only. */
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'AuthError';
  }
}

export const AUTH_API_VERSION = '2024-01-01';

/** GoTrue answers in the 2024-01-01 shape when the client sent that API version, else the legacy one. */
export function authErrorBody(err: AuthError, apiVersion: string | undefined): Record<string, unknown> {
  if (err.oauth) return { error: err.code, error_description: err.message };
  const extra = err.weakPassword ? { weak_password: err.weakPassword } : {};
  if (apiVersion && apiVersion >= AUTH_API_VERSION) return { code: err.code, message: err.message, ...extra };
  return { code: err.status, error_code: err.code, msg: err.message, ...extra };
}

export const rateLimited = () => new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached');
