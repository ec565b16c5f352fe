import type { MiddlewareHandler } from 'hono';

// What each real service exposes to browsers (PostgREST src/PostgREST/Cors.hs, GoTrue internal/api/api.go).
const REST_EXPOSED =
  'Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit';
const AUTH_EXPOSED = 'X-Total-Count, Link, X-Supabase-Api-Version';
const AUTH_ALLOWED =
  'Accept, Authorization, Content-Type, X-Client-IP, X-Client-Info, X-JWT-AUD, Cookie, X-Supabase-Api-Version';

/** CORS as the Supabase services answer it: any origin, requested headers allowed, clients' headers exposed. */
export function cors(): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    const isAuth = path.startsWith('/auth/');
    const exposed = isAuth ? AUTH_EXPOSED : `${REST_EXPOSED}, X-Supabase-Api-Version`;
    if (c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method')) {
      const requested = c.req.header('Access-Control-Request-Headers');
      const allowed = isAuth
        ? `${AUTH_ALLOWED}${requested ? `, ${requested}` : ''}`
        : `Authorization${requested ? `, ${requested}` : ''}`;
      return new Response(null, {
        status: 200,
        headers: {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD',
          'Access-Control-Allow-Headers': allowed,
          'Access-Control-Max-Age': '86400',
          Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
        },
      });
    }
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    c.res.headers.set('Access-Control-Expose-Headers', exposed);
  };
}
