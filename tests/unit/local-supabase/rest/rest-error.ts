import { RestError } from '../../../../local-supabase/rest/errors.ts';

/** The RestError fn throws; anything else thrown (or nothing) fails the test. */
export function restError(fn: () => unknown): RestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RestError) return err;
    throw err;
  }
  throw new Error('expected a RestError');
}
