/**
 * VK Ads cost import: daily rows per ad group (or per ad plan) from statistics v2, named after the
 * ad plans (campaigns) and ad groups of the account — deleted ones included, since they keep their
 * spend. Ids go at most 200 per request, lists page by 50 (the documented maximum). No database
 * access: the caller stores the rows and keeps the tokens in `tokenStore`.
 * Facts: /work/shared/ads-apis.md Part B.
 */
import { z } from 'zod';
import { CostConnectorError } from '../connector-error.js';
import type { RetryPolicy } from '../connector-http.js';
import { type CostRow, mergeByKey, roundMoney } from '../cost-row.js';
import { VkApi } from './api.js';
import { type VkCredentials, VkTokenSource, type VkTokenStore } from './oauth.js';

export const VK_DEFAULT_BASE_URL = 'https://ads.vk.com';
const PAGE = 50;
const IDS_PER_REQUEST = 200;

export interface VkOptions {
  credentials: VkCredentials;
  /** where the connector's token lives between runs: minting one per run would hit VK's 5-token cap */
  tokenStore: VkTokenStore;
  /** the outbound address guard's fetch */
  fetch: typeof fetch;
  /** default https://ads.vk.com */
  baseUrl?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

export interface VkCostQuery extends VkOptions {
  /** inclusive, `YYYY-MM-DD`; VK keeps statistics for the last 366 days */
  from: string;
  to: string;
  /** one row per ad group (content = its name; default) or per ad plan (content null) */
  level?: 'ad_groups' | 'ad_plans';
  /** the account currency when known; otherwise /api/v2/user.json is asked */
  currency?: string;
  /**
   * VAT rate to add to `spent`. VK's statistics do not say whether `spent` includes VAT (UNVERIFIED):
   * leave it out to take `spent` as VK reports it.
   */
  vatRate?: number;
}

export interface VkAccount {
  id: number;
  username: string;
  currency: string;
}

const userSchema = z.object({ id: z.number(), username: z.string(), currency: z.string() }).loose();

const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ count: z.number(), offset: z.number().optional(), items: z.array(item) }).loose();

const planSchema = z.object({ id: z.number(), name: z.string() }).loose();
const groupSchema = z.object({ id: z.number(), name: z.string(), ad_plan_id: z.number() }).loose();

const money = z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number()]).transform(Number);
const baseSchema = z.object({ shows: z.number(), clicks: z.number(), spent: money }).loose();
const statsSchema = z
  .object({
    items: z.array(
      z
        .object({ id: z.number(), rows: z.array(z.object({ date: z.string(), base: baseSchema }).loose()) })
        .loose(),
    ),
  })
  .loose();

function api(o: VkOptions): VkApi {
  const baseUrl = (o.baseUrl ?? VK_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const tokens = new VkTokenSource({
    credentials: o.credentials,
    store: o.tokenStore,
    fetch: o.fetch,
    baseUrl,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  return new VkApi({
    tokens,
    fetch: o.fetch,
    baseUrl,
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
  });
}

/** The account the credentials open (for an agency's client: the client's), with its currency. */
export async function getVkAccount(o: VkOptions): Promise<VkAccount> {
  const u = await api(o).get('/api/v2/user.json', {}, userSchema);
  return { id: u.id, username: u.username, currency: u.currency };
}

/** Every object of a collection, all statuses, page by page. */
async function listAll<T extends { id: number }>(
  vk: VkApi,
  path: string,
  fields: string,
  item: z.ZodType<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await vk.get(
      path,
      {
        fields,
        limit: String(PAGE),
        offset: String(offset),
        _status__in: 'active,blocked,deleted',
        sorting: 'id',
      },
      pageSchema(item),
    );
    out.push(...page.items);
    if (page.items.length < PAGE || out.length >= page.count) return out;
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Daily cost rows for `from`..`to`; days without shows, clicks or spend give no row. */
export async function fetchVkCosts(q: VkCostQuery): Promise<CostRow[]> {
  if (q.from > q.to)
    throw new CostConnectorError({
      platform: 'vk-ads',
      kind: 'validation',
      platformMessage: `from ${q.from} is after to ${q.to}`,
    });
  const vk = api(q);
  const currency = q.currency ?? (await vk.get('/api/v2/user.json', {}, userSchema)).currency;
  const level = q.level ?? 'ad_groups';
  const plans = new Map(
    (await listAll(vk, '/api/v2/ad_plans.json', 'id,name', planSchema)).map((p) => [p.id, p]),
  );
  /** statistics object id → the names and id a row carries */
  const objects = new Map<number, { planId: number; content: string | null }>();
  if (level === 'ad_plans') for (const id of plans.keys()) objects.set(id, { planId: id, content: null });
  else
    for (const g of await listAll(vk, '/api/v2/ad_groups.json', 'id,name,ad_plan_id', groupSchema))
      objects.set(g.id, { planId: g.ad_plan_id, content: g.name });

  const rows: CostRow[] = [];
  for (const ids of chunks([...objects.keys()], IDS_PER_REQUEST)) {
    const stats = await vk.get(
      `/api/v2/statistics/${level}/day.json`,
      { id: ids.join(','), date_from: q.from, date_to: q.to, metrics: 'base' },
      statsSchema,
    );
    for (const item of stats.items) {
      const o = objects.get(item.id);
      for (const r of item.rows) {
        const { shows, clicks, spent } = r.base;
        if (shows === 0 && clicks === 0 && spent === 0) continue;
        rows.push({
          date: r.date,
          source: 'vk',
          medium: 'cpc',
          campaign: o ? (plans.get(o.planId)?.name ?? null) : null,
          campaignId: o ? String(o.planId) : null,
          content: o?.content ?? null,
          term: null,
          impressions: shows,
          clicks,
          cost: roundMoney(spent * (1 + (q.vatRate ?? 0))),
          currency,
        });
      }
    }
  }
  return mergeByKey(rows);
}
