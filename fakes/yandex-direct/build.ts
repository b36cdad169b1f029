/**
 * Building a report: the advertiser's daily criterion stats in the period, filtered, grouped by the
 * report type's grouping plus the requested dimension fields, summed, money with or without VAT, in
 * micros or in currency — then laid out as Direct's TSV (title line, column names, rows, row count).
 */
import { type Definition, DIMENSIONS, type Field, type FilterItem } from './definition.js';
import type { Advertiser, CriterionPath, DayStat, DirectState } from './state.js';

export interface LayoutHeaders {
  skipReportHeader: boolean;
  skipColumnHeader: boolean;
  skipReportSummary: boolean;
  /** true unless `returnMoneyInMicros: false` */
  moneyInMicros: boolean;
}

interface Group {
  dims: Partial<Record<Field, string>>;
  impressions: number;
  clicks: number;
  costCents: number;
}

/** What Direct prints where a value does not apply (no clicks for AvgCpc, no impressions for Ctr). */
const DASH = '--';

function dimension(field: Field, s: DayStat, p: CriterionPath): string {
  switch (field) {
    case 'Date':
      return s.date;
    case 'CampaignId':
      return String(p.campaign.id);
    case 'CampaignName':
      return p.campaign.name;
    case 'CampaignType':
      return p.campaign.type;
    case 'AdGroupId':
      return String(p.adGroup.id);
    case 'AdGroupName':
      return p.adGroup.name;
    case 'CriterionId':
      return String(p.criterion.id);
    case 'Criterion':
      return p.criterion.text;
    case 'CriterionType':
      return p.criterion.type;
    default:
      return '';
  }
}

function matches(value: string, f: FilterItem): boolean {
  const num = Number(value);
  const first = f.values[0] ?? '';
  const lower = value.toLowerCase();
  switch (f.operator) {
    case 'EQUALS':
      return value === first;
    case 'NOT_EQUALS':
      return value !== first;
    case 'IN':
      return f.values.includes(value);
    case 'NOT_IN':
      return !f.values.includes(value);
    case 'LESS_THAN':
      return num < Number(first);
    case 'GREATER_THAN':
      return num > Number(first);
    case 'STARTS_WITH_IGNORE_CASE':
      return f.values.some((v) => lower.startsWith(v.toLowerCase()));
    case 'DOES_NOT_START_WITH_IGNORE_CASE':
      return !f.values.some((v) => lower.startsWith(v.toLowerCase()));
    default:
      return true;
  }
}

function money(cents: number, micros: boolean): string {
  // Direct rounds money to 2 decimals; in micros that is a multiple of 10,000.
  return micros ? String(Math.round(cents) * 10_000) : (Math.round(cents) / 100).toFixed(2);
}

function metric(field: Field, g: Group, vatRate: number, micros: boolean): string {
  const gross = Math.round(g.costCents * (1 + vatRate));
  switch (field) {
    case 'Impressions':
      return String(g.impressions);
    case 'Clicks':
      return String(g.clicks);
    case 'Cost':
      return money(gross, micros);
    case 'Ctr':
      return g.impressions === 0 ? DASH : ((g.clicks / g.impressions) * 100).toFixed(2);
    case 'AvgCpc':
      return g.clicks === 0 ? DASH : money(gross / g.clicks, micros);
    default:
      return g.dims[field] ?? '';
  }
}

/** Names and keywords may hold anything; a tab or line break would break the TSV. */
function cell(v: string): string {
  return v.replace(/[\t\r\n]+/g, ' ');
}

function compareCells(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The report's data rows, each in `FieldNames` order. */
export function buildRows(state: DirectState, adv: Advertiser, def: Definition, micros: boolean): string[][] {
  const paths = state.criteria(adv);
  const keyFields = [...new Set([...def.grouping, ...def.fieldNames.filter((f) => DIMENSIONS.has(f))])];
  const dimFilters = def.filters.filter((f) => DIMENSIONS.has(f.field));
  const metricFilters = def.filters.filter((f) => !DIMENSIONS.has(f.field));
  const groups = new Map<string, Group>();
  for (const s of adv.stats) {
    if (s.date < def.dateFrom || s.date > def.dateTo) continue;
    const p = paths.get(s.criterionId);
    if (!p) continue;
    if (!dimFilters.every((f) => matches(dimension(f.field, s, p), f))) continue;
    const dims: Partial<Record<Field, string>> = {};
    for (const f of keyFields) dims[f] = dimension(f, s, p);
    const key = keyFields.map((f) => dims[f]).join('\u0000');
    const g = groups.get(key) ?? { dims, impressions: 0, clicks: 0, costCents: 0 };
    g.impressions += s.impressions;
    g.clicks += s.clicks;
    g.costCents += s.costCents;
    groups.set(key, g);
  }
  const vat = def.includeVat ? adv.vatRate : 0;
  let rows = [...groups.values()]
    .filter((g) => g.impressions > 0 || g.clicks > 0 || g.costCents > 0)
    .filter((g) => metricFilters.every((f) => matches(metric(f.field, g, vat, micros), f)))
    .map((g) => ({ g, cells: def.fieldNames.map((f) => cell(metric(f, g, vat, micros))) }));
  const order =
    def.orderBy.length > 0 ? def.orderBy : keyFields.map((field) => ({ field, descending: false }));
  rows.sort((a, b) => {
    for (const o of order) {
      const c = compareCells(metric(o.field, a.g, vat, micros), metric(o.field, b.g, vat, micros));
      if (c !== 0) return o.descending ? -c : c;
    }
    return 0;
  });
  if (def.page) rows = rows.slice(def.page.offset, def.page.offset + def.page.limit);
  return rows.map((r) => r.cells);
}

/** The 200 body: each line ends with `\n`; the skip headers drop the lines they name. */
export function renderTsv(def: Definition, rows: string[][], h: LayoutHeaders): string {
  const lines: string[] = [];
  if (!h.skipReportHeader) lines.push(`"${def.reportName} (${def.dateFrom} - ${def.dateTo})"`);
  if (!h.skipColumnHeader) lines.push(def.fieldNames.join('\t'));
  for (const r of rows) lines.push(r.join('\t'));
  if (!h.skipReportSummary) lines.push(`Total rows: ${rows.length}`);
  return lines.map((l) => `${l}\n`).join('');
}
