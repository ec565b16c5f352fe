import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { AuthError } from './errors.ts';
import type { JwtClaims, Keys } from './keys.ts';
import { JwtError } from './keys.ts';

const MAX_JSON_DEPTH = 64;
/** GoTrue reads at most 1 MB of a body (api.go limitRequestBody). */
export const MAX_AUTH_BODY_BYTES = 1 << 20;

/** The body as GoTrue's retrieveRequestParams reads it: empty is {}, bad JSON is 400 bad_json. */
export async function readJson(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_AUTH_BODY_BYTES) {
    throw new AuthError(413, 'request_entity_too_large', `Request body too large (max ${MAX_AUTH_BODY_BYTES} bytes)`);
  }
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${err instanceof Error ? err.message : 'invalid JSON'}`);
  }
  if (depth(parsed) > MAX_JSON_DEPTH) throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON: nested too deeply');
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON: json: cannot unmarshal into a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Nesting depth, iteratively, so a hostile body cannot overflow the stack here either. */
function depth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) max = d + 1;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** GoTrue's extractBearerToken + parseJWTClaims: 401 without a Bearer token, 403 bad_jwt when it does not verify. */
export async function verifyBearer(c: Context, keys: Keys): Promise<JwtClaims> {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '');
  if (!match?.[1]) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  try {
    return await keys.verify(match[1]);
  } catch (err) {
    const detail =
      err instanceof JwtError && err.reason === 'expired' ? 'token has invalid claims: token is expired' : err instanceof Error ? err.message : 'invalid token';
    throw new AuthError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${detail}`);
  }
}

/**
 * The address rate limits are kept per. The stack is its own gateway, so only the socket's peer
 * counts: a client-sent X-Forwarded-For would let anyone pick a fresh bucket per request.
 */
export function clientIp(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const addr = incoming?.socket?.remoteAddress ?? 'unknown';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}
