import type { FakeAmoState } from './state.js';

/** What a route handler gets: the parsed request and the authenticated user. */
export interface Ctx {
  state: FakeAmoState;
  method: string;
  /** pathname without the query */
  path: string;
  query: URLSearchParams;
  /** scheme://host the client used, for `_links` */
  base: string;
  body: unknown;
  /** the user the bearer token belongs to */
  userId: number;
}

/** Request id as amoCRM echoes it: the item's own string, else the array index as a string. */
export function requestIdOf(item: Record<string, unknown>, index: number): string {
  const r = item.request_id;
  if (typeof r === 'string') return r;
  if (typeof r === 'number') return String(r);
  return String(index);
}

/** Page/limit as the list endpoints read them (limit capped at 250, default 50). */
export function readPaging(query: URLSearchParams): { page: number; limit: number } | string {
  const pageRaw = query.get('page');
  const limitRaw = query.get('limit');
  const page = pageRaw === null ? 1 : Number(pageRaw);
  const limit = limitRaw === null ? 50 : Number(limitRaw);
  if (!Number.isInteger(page) || page < 1) return 'page must be a positive integer';
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) return 'limit must be an integer from 1 to 250';
  return { page, limit };
}

/** All values of `key[]`, `key[0]`, `key[1]`… and plain `key`. */
export function arrayParam(query: URLSearchParams, key: string): string[] {
  const out: string[] = [];
  for (const [k, v] of query) {
    if (k === key || k === `${key}[]` || (k.startsWith(`${key}[`) && /^\[\d+\]$/.test(k.slice(key.length)))) {
      out.push(...v.split(',').filter((s) => s !== ''));
    }
  }
  return out;
}

export function pageLinks(
  base: string,
  path: string,
  query: URLSearchParams,
  page: number,
  hasNext: boolean,
): Record<string, { href: string }> {
  const at = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    return { href: `${base}${path}?${q.toString()}` };
  };
  const links: Record<string, { href: string }> = { self: at(page) };
  if (hasNext) links.next = at(page + 1);
  links.first = at(1);
  if (page > 1) links.prev = at(page - 1);
  return links;
}
