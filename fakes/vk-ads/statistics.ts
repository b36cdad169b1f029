/**
 * Statistics v2: `GET /api/v2/statistics/{banners|ad_groups|ad_plans|users}/{day|summary}.json` with
 * `id` (comma list or repeated), `date_from`, `date_to` (inclusive, default today), `metrics` (default
 * `base`), `attribution`. `day` gives every date of the range (zero-filled) per object plus totals;
 * `summary` gives all-time totals. Limits: the last 366 days, at most 200 objects per request.
 */
import { addDays, datesBetween, isDate, json, type Reply } from '../common/http.js';
import { type StatCode, statError } from './replies.js';
import type { DayStat, VkState } from './state.js';

export const MAX_IDS = 200;
export const MAX_DAYS_BACK = 366;

const LEVELS = {
  banners: 'ERR_WRONG_BANNERS',
  ad_groups: 'ERR_WRONG_ADGROUPS',
  ad_plans: 'ERR_WRONG_ADPLANS',
  users: 'ERR_WRONG_USERS',
} as const satisfies Record<string, StatCode>;

type Level = keyof typeof LEVELS;

const METRIC_SETS = new Set([
  'all',
  'base',
  'events',
  'video',
  'carousel',
  'ad_offers',
  'uniques',
  'uniques_video',
  'tps',
  'romi',
  'playable',
  'custom_event',
  'social_network',
]);

interface Sums {
  shows: number;
  clicks: number;
  spentCents: number;
}

const money = (cents: number) => (cents === 0 ? '0' : (cents / 100).toFixed(2));

/** The `base` set as the doc example prints it: counts as numbers, money as decimal strings. */
function base(s: Sums): Record<string, unknown> {
  return {
    shows: s.shows,
    clicks: s.clicks,
    goals: 0,
    spent: money(s.spentCents),
    cpm: s.shows === 0 ? '0' : money((s.spentCents / s.shows) * 1000),
    cpc: s.clicks === 0 ? '0' : money(s.spentCents / s.clicks),
    cpa: '0',
    ctr: s.shows === 0 ? 0 : Math.round((s.clicks / s.shows) * 100 * 1e6) / 1e6,
    cr: 0,
    vk: { goals: 0, cpa: 0, cr: 0 },
  };
}

function sum(rows: DayStat[]): Sums {
  const s: Sums = { shows: 0, clicks: 0, spentCents: 0 };
  for (const r of rows) {
    s.shows += r.shows;
    s.clicks += r.clicks;
    s.spentCents += r.spentCents;
  }
  return s;
}

/** Ad group ids behind an object of the level, or null when the user may not see it. */
function groupsOf(state: VkState, level: Level, id: number, userId: number): number[] | null {
  const groups = [...state.adGroups.values()];
  if (level === 'users')
    return id === userId
      ? groups.filter((g) => state.userOfPlan(g.adPlanId) === userId).map((g) => g.id)
      : null;
  if (level === 'ad_plans')
    return state.userOfPlan(id) === userId ? groups.filter((g) => g.adPlanId === id).map((g) => g.id) : null;
  if (level === 'ad_groups') {
    const g = state.adGroups.get(id);
    return g && state.userOfPlan(g.adPlanId) === userId ? [g.id] : null;
  }
  return null; // banners are not modelled: none exist
}

function parseIds(q: URLSearchParams): number[] | null {
  const raw = q
    .getAll('id')
    .flatMap((v) => v.split(','))
    .filter((v) => v.trim() !== '');
  if (raw.length === 0 || !raw.every((v) => /^\d+$/.test(v.trim()))) return null;
  return raw.map((v) => Number(v.trim()));
}

export function statistics(
  state: VkState,
  path: string,
  q: URLSearchParams,
  userId: number,
  today: string,
): Reply {
  const m = /^\/api\/v2\/statistics\/([a-z_]+)\/(day|summary)\.json$/.exec(path);
  const level = m?.[1] as Level | undefined;
  if (!m || !level || !(level in LEVELS)) return statError('ERR_WRONG_RESOURCE', 'Resource not found');
  const ids = parseIds(q);
  if (!ids) return statError('ERR_WRONG_PARAMETER', 'Parameter id is required: a list of integers');
  if (ids.length > MAX_IDS) return statError('ERR_LIMIT_EXCEEDED', `At most ${MAX_IDS} objects per request`);
  const metrics = (q.get('metrics') ?? 'base').split(',');
  const unknownSet = metrics.find((s) => !METRIC_SETS.has(s));
  if (unknownSet) return statError('ERR_WRONG_PARAMETER', `Unknown metrics set: ${unknownSet}`);
  const attribution = q.get('attribution');
  if (attribution !== null && attribution !== 'conversion' && attribution !== 'impression')
    return statError('ERR_WRONG_PARAMETER', 'attribution must be conversion or impression');
  const groups = new Map<number, number[]>();
  for (const id of ids) {
    const g = groupsOf(state, level, id, userId);
    if (!g) return statError(LEVELS[level], `Object ${id} does not exist or is not available to this user`);
    groups.set(id, g);
  }
  const statsOf = (id: number) => {
    const set = new Set(groups.get(id));
    return state.stats.filter((s) => set.has(s.adGroupId));
  };
  if (m[2] === 'summary') {
    const items = ids.map((id) => ({ id, total: { base: base(sum(statsOf(id))) } }));
    return json(200, { items, total: { base: base(sum(ids.flatMap(statsOf))) } });
  }
  const from = q.get('date_from');
  const to = q.get('date_to') ?? today;
  if (from === null) return statError('ERR_WRONG_PARAMETER', 'Parameter date_from is required');
  if (!isDate(from) || !isDate(to) || from > to) return statError('ERR_WRONG_DATE', 'Wrong date');
  if (from < addDays(today, -MAX_DAYS_BACK))
    return statError(
      'ERR_LIMIT_EXCEEDED',
      `Statistics are available for the last ${MAX_DAYS_BACK} days only`,
    );
  const dates = datesBetween(from, to);
  const inRange = (s: DayStat) => s.date >= from && s.date <= to;
  const items = ids.map((id) => {
    const rows = statsOf(id).filter(inRange);
    return {
      id,
      rows: dates.map((date) => ({ date, base: base(sum(rows.filter((r) => r.date === date))) })),
      total: { base: base(sum(rows)) },
    };
  });
  return json(200, { items, total: { base: base(sum(ids.flatMap(statsOf).filter(inRange))) } });
}
