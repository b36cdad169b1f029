/**
 * Collections as the API standards describe them: `GET /api/v2/ad_plans.json`, `/api/v2/ad_groups.json`
 * with `fields`, `limit` (default 20, at most 50), `offset`, filters `_<field>`, `_<field>__in`,
 * `__ne`, `__lt(e)`, `__gt(e)`, and `sorting=id,-name`; answer `{count, offset, limit, items}`. Deleted
 * objects are listed unless filtered out. Also `GET /api/v2/user.json`.
 */
import { json, type Reply } from '../common/http.js';
import { fieldError } from './replies.js';
import type { VkState, VkUser } from './state.js';

type Item = Record<string, string | number | null>;

export const MAX_LIMIT = 50;

interface Collection {
  items: Item[];
  /** the fields this fake knows of the object (the real objects have many more) */
  fields: string[];
  defaultFields: string[];
  sortable: string[];
}

function collection(state: VkState, resource: 'ad_plans' | 'ad_groups', userId: number): Collection {
  const plans = [...state.adPlans.values()].filter((p) => p.userId === userId);
  if (resource === 'ad_plans')
    return {
      items: plans.map((p) => ({ id: p.id, name: p.name, status: p.status, created: p.created })),
      fields: ['id', 'name', 'status', 'created'],
      defaultFields: ['id', 'name'],
      sortable: ['id', 'name', 'status'],
    };
  const planIds = new Set(plans.map((p) => p.id));
  return {
    items: [...state.adGroups.values()]
      .filter((g) => planIds.has(g.adPlanId))
      .map((g) => ({ id: g.id, name: g.name, status: g.status, ad_plan_id: g.adPlanId })),
    fields: ['id', 'name', 'status', 'ad_plan_id'],
    defaultFields: ['id', 'name'],
    sortable: ['id', 'name', 'status'],
  };
}

function compare(a: string | number | null, b: string | number | null): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function filterOf(key: string, value: string): ((item: Item) => boolean) | null {
  const m = /^_([a-z_]+?)(?:__(in|ne|lt|lte|gt|gte))?$/.exec(key);
  if (!m) return null;
  const [, field = '', op] = m;
  const list = value.split(',');
  const same = (v: unknown) => String(v) === value;
  return (item) => {
    const v = item[field];
    switch (op) {
      case 'in':
        return list.includes(String(v));
      case 'ne':
        return !same(v);
      case 'lt':
        return compare(v ?? null, value) < 0;
      case 'lte':
        return compare(v ?? null, value) <= 0;
      case 'gt':
        return compare(v ?? null, value) > 0;
      case 'gte':
        return compare(v ?? null, value) >= 0;
      default:
        return same(v);
    }
  };
}

export function list(
  state: VkState,
  resource: 'ad_plans' | 'ad_groups',
  userId: number,
  q: URLSearchParams,
): Reply {
  const c = collection(state, resource, userId);
  const limit = Number(q.get('limit') ?? 20);
  const offset = Number(q.get('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    return fieldError('limit', 'invalid', `Ensure this value is an integer from 1 to ${MAX_LIMIT}`);
  if (!Number.isInteger(offset) || offset < 0)
    return fieldError('offset', 'invalid', 'Ensure this value is a non-negative integer');
  let items = c.items;
  for (const [key, value] of q) {
    if (!key.startsWith('_')) continue;
    const f = filterOf(key, value);
    if (!f) return fieldError(key, 'invalid', `Unknown filter ${key}`);
    items = items.filter(f);
  }
  const sorting = (q.get('sorting') ?? '').split(',').filter((s) => s !== '');
  for (const s of sorting)
    if (!c.sortable.includes(s.replace(/^-/, '')))
      return fieldError('sorting', 'invalid', `Sorting by ${s.replace(/^-/, '')} is not supported`);
  items.sort((a, b) => {
    for (const s of sorting) {
      const field = s.replace(/^-/, '');
      const r = compare(a[field] ?? null, b[field] ?? null);
      if (r !== 0) return s.startsWith('-') ? -r : r;
    }
    return compare(a.id ?? null, b.id ?? null);
  });
  const fields =
    q
      .get('fields')
      ?.split(',')
      .filter((f) => f !== '') ?? c.defaultFields;
  const unknown = fields.find((f) => !c.fields.includes(f));
  if (unknown) return fieldError('fields', 'invalid', `Unknown field ${unknown}`);
  const page = items
    .slice(offset, offset + limit)
    .map((i) => Object.fromEntries(fields.map((f) => [f, i[f] ?? null])));
  return json(200, { count: items.length, offset, limit, items: page });
}

export function userInfo(user: VkUser): Reply {
  return json(200, {
    id: user.id,
    username: user.username,
    currency: user.currency,
    status: user.status === 'active' ? 'active' : 'blocked',
    types: [user.type],
  });
}
