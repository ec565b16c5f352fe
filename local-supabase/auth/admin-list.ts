import type { Queryable } from '../db/types.ts';
import { DEFAULT_AUD } from './deps.ts';
import { AuthError } from './errors.ts';
import type { AuthUserRow } from './user.ts';
import { identitiesByUser, toUserJson } from './user.ts';
import { NIL_UUID } from './user-store.ts';

const DEFAULT_PER_PAGE = 50;
/** pop's paginator: a page below 1 is page 1, a page size below 1 is 20. */
const POP_DEFAULT_PER_PAGE = 20;

export interface ListResult {
  body: { users: Record<string, unknown>[]; aud: string };
  headers: Record<string, string>;
}

/**
 * GET /admin/users (api/admin.go adminUsers, pagination.go): newest first, `page`/`per_page` offsets,
 * `filter` on e-mail or full name, and the Link/X-Total-Count headers auth-js reads into
 * nextPage/lastPage/total.
 */
export async function listUsers(db: Queryable, query: URLSearchParams): Promise<ListResult> {
  const page = Math.max(1, pageParam(query, 'page', 1));
  const perPageRaw = pageParam(query, 'per_page', DEFAULT_PER_PAGE);
  const perPage = perPageRaw < 1 ? POP_DEFAULT_PER_PAGE : perPageRaw;
  const order = sortOrder(query.get('sort'));
  const filter = query.get('filter') ?? '';
  const where = `u.instance_id = $1 and u.aud = $2${filter ? ` and (u.email like $3 or u.raw_user_meta_data->>'full_name' ilike $3)` : ''}`;
  const params: unknown[] = [NIL_UUID, DEFAULT_AUD];
  if (filter) params.push(`%${filter}%`);
  const total = Number((await db.query<{ n: string | number }>(`select count(*) as n from auth.users u where ${where}`, params)).rows[0]?.n ?? 0);
  const { rows } = await db.query<{ u: AuthUserRow }>(
    `select to_jsonb(u) as u from auth.users u where ${where} order by u.created_at ${order}, u.id ${order}
      limit ${perPage} offset ${(page - 1) * perPage}`,
    params,
  );
  const identities = await identitiesByUser(
    db,
    rows.map((r) => r.u.id),
  );
  return {
    body: { users: rows.map(({ u }) => toUserJson(u, identities.get(u.id) ?? [])), aud: DEFAULT_AUD },
    headers: { Link: linkHeader(query, page, perPage, total), 'X-Total-Count': String(total) },
  };
}

function pageParam(query: URLSearchParams, key: string, fallback: number): number {
  const raw = query.get(key) ?? '';
  if (raw === '') return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new AuthError(400, 'validation_failed', `Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  return Number(raw);
}

/** `sort=created_at desc` (GoTrue allows only created_at). */
function sortOrder(raw: string | null): 'asc' | 'desc' {
  if (!raw) return 'desc';
  const m = /^created_at(?:\s+(asc|desc))?$/i.exec(raw.trim());
  if (!m) throw new AuthError(400, 'validation_failed', `Bad Sort Parameters: ${raw.split(/\s+/)[0]} is not a valid sort field`);
  return (m[1]?.toLowerCase() as 'asc' | 'desc' | undefined) ?? 'asc';
}

/**
 * The Link header GoTrue builds from the request URI it sees behind the gateway (/admin/users),
 * with Go's sorted query encoding: auth-js reads the page number after the first "=".
 */
export function linkHeader(query: URLSearchParams, page: number, perPage: number, total: number): string {
  const totalPages = Math.ceil(total / perPage);
  const url = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    q.sort();
    return `/admin/users?${q.toString()}`;
  };
  let header = '';
  if (totalPages > page) header += `<${url(page + 1)}>; rel="next", `;
  return `${header}<${url(totalPages)}>; rel="last"`;
}
