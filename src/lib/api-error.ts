import { ParseError } from './parse';

/** A failed Supabase request, thrown by the data-access functions in features/<f>/api. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

interface SupabaseErrorLike {
  message?: unknown;
  code?: unknown;
  status?: unknown;
}

export function toApiError(error: SupabaseErrorLike, status: number | undefined): ApiError {
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : 'Request failed';
  const code = typeof error.code === 'string' ? error.code : '';
  const st = typeof status === 'number' ? status : typeof error.status === 'number' ? error.status : 0;
  return new ApiError(message, st, code);
}

/** True when the server could not be reached at all (postgrest-js reports status 0 on fetch failure). */
export function isNetworkError(error: unknown): boolean {
  // an answer that does not parse came from a reachable server
  if (error instanceof ParseError) return false;
  if (error instanceof ApiError) return error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504;
  if (error instanceof TypeError) return true;
  if (error instanceof Error) return /fetch|network|ECONNREFUSED|Failed to fetch/i.test(error.message);
  return false;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Unknown error';
}

/**
 * auth-js errors: AuthRetryableFetchError (network, 5xx) keeps the session; anything else from a
 * refresh means the refresh token is no longer usable.
 */
export function toAuthApiError(error: { name?: unknown; message?: unknown; status?: unknown; code?: unknown }): ApiError {
  const retryable = error.name === 'AuthRetryableFetchError';
  const code = typeof error.code === 'string' ? error.code : retryable ? 'network' : 'auth';
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : 'Authentication failed';
  if (retryable) return new ApiError(message, 0, code);
  return new ApiError(message, typeof error.status === 'number' ? error.status : 401, code);
}
