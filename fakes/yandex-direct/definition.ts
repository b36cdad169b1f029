/**
 * The ReportDefinition of a Reports request, checked as Direct checks it: the `params` wrapper, the
 * required fields, enum values, the date range, field/report-type compatibility. A request that fails
 * gets a DirectFailure with code 8000 ("Invalid request"; the code is the one public samples show for
 * bad requests — the docs do not list codes per validation rule).
 */
import { addDays, isDate, isObject } from '../common/http.js';
import { DirectFailure, fail } from './errors.js';

/** The fields this fake computes (Direct has many more; others are refused as unknown). */
export const FIELDS = [
  'Date',
  'CampaignId',
  'CampaignName',
  'CampaignType',
  'AdGroupId',
  'AdGroupName',
  'CriterionId',
  'Criterion',
  'CriterionType',
  'Impressions',
  'Clicks',
  'Cost',
  'Ctr',
  'AvgCpc',
] as const;
export type Field = (typeof FIELDS)[number];

const METRICS: ReadonlySet<Field> = new Set<Field>(['Impressions', 'Clicks', 'Cost', 'Ctr', 'AvgCpc']);

export const DIMENSIONS: ReadonlySet<Field> = new Set(FIELDS.filter((f) => !METRICS.has(f)));

/** Report types modelled, with the grouping each adds and the fields it refuses. */
const REPORT_TYPES: Record<string, { grouping: Field[]; forbidden: Field[] }> = {
  CUSTOM_REPORT: { grouping: [], forbidden: [] },
  ACCOUNT_PERFORMANCE_REPORT: {
    grouping: [],
    forbidden: ['CampaignId', 'CampaignName', 'CampaignType', 'AdGroupId', 'AdGroupName', 'CriterionId'],
  },
  CAMPAIGN_PERFORMANCE_REPORT: {
    grouping: ['CampaignId'],
    forbidden: ['AdGroupId', 'AdGroupName', 'CriterionId', 'Criterion', 'CriterionType'],
  },
  ADGROUP_PERFORMANCE_REPORT: {
    grouping: ['AdGroupId'],
    forbidden: ['CriterionId', 'Criterion', 'CriterionType'],
  },
};

/** Valid in Direct but not modelled here: refused with a detail that says so. */
const OTHER_REPORT_TYPES = new Set([
  'AD_PERFORMANCE_REPORT',
  'CRITERIA_PERFORMANCE_REPORT',
  'SEARCH_QUERY_PERFORMANCE_REPORT',
  'REACH_AND_FREQUENCY_PERFORMANCE_REPORT',
]);

const OPERATORS = new Set([
  'EQUALS',
  'NOT_EQUALS',
  'IN',
  'NOT_IN',
  'LESS_THAN',
  'GREATER_THAN',
  'STARTS_WITH_IGNORE_CASE',
  'DOES_NOT_START_WITH_IGNORE_CASE',
]);

export interface FilterItem {
  field: Field;
  operator: string;
  values: string[];
}

export interface Definition {
  reportName: string;
  reportType: string;
  grouping: Field[];
  fieldNames: Field[];
  dateRangeType: string;
  dateFrom: string;
  dateTo: string;
  includeVat: boolean;
  filters: FilterItem[];
  orderBy: Array<{ field: Field; descending: boolean }>;
  page: { limit: number; offset: number } | null;
}

const invalid = (en: string, ru: string) => fail(8000, en, ru);

function isField(v: unknown): v is Field {
  return typeof v === 'string' && (FIELDS as readonly string[]).includes(v);
}

function required(p: Record<string, unknown>, name: string): DirectFailure | null {
  return p[name] === undefined || p[name] === null
    ? invalid(`Required field ${name} is not specified`, `Не указано обязательное поле ${name}`)
    : null;
}

/** The period of a DateRangeType relative to `today` (the account's calendar day). */
export function resolveRange(type: string, today: string): { from: string; to: string } | null {
  const lastDays = /^LAST_(\d+)_DAYS$/.exec(type);
  if (lastDays && ['3', '5', '7', '14', '30', '90', '365'].includes(lastDays[1] ?? ''))
    return { from: addDays(today, -Number(lastDays[1])), to: addDays(today, -1) };
  const monthStart = `${today.slice(0, 8)}01`;
  switch (type) {
    case 'TODAY':
      return { from: today, to: today };
    case 'YESTERDAY':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'THIS_MONTH':
      return { from: monthStart, to: today };
    case 'LAST_MONTH': {
      const end = addDays(monthStart, -1);
      return { from: `${end.slice(0, 8)}01`, to: end };
    }
    case 'ALL_TIME': {
      // Statistics are kept for three years back from the start of the current month.
      const from = `${Number(today.slice(0, 4)) - 3}${monthStart.slice(4)}`;
      return { from, to: today };
    }
    default:
      return null;
  }
}

function parseFilters(raw: unknown): FilterItem[] | DirectFailure {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return invalid('Filter must be an array', 'Filter должен быть массивом');
  const out: FilterItem[] = [];
  for (const f of raw) {
    if (!isObject(f)) return invalid('Invalid Filter item', 'Некорректный элемент Filter');
    const { Field: field, Operator: operator, Values: values } = f;
    if (!isField(field))
      return invalid(
        `Invalid value of Filter.Field: ${String(field)}`,
        `Неверное значение Filter.Field: ${String(field)}`,
      );
    if (typeof operator !== 'string' || !OPERATORS.has(operator))
      return invalid(
        `Invalid value of Filter.Operator: ${String(operator)}`,
        `Неверное значение Filter.Operator: ${String(operator)}`,
      );
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string'))
      return invalid(
        'Filter.Values must be a non-empty array of strings',
        'Filter.Values: нужен непустой массив строк',
      );
    out.push({ field, operator, values: values as string[] });
  }
  return out;
}

function parseOrderBy(raw: unknown): Definition['orderBy'] | DirectFailure {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return invalid('OrderBy must be an array', 'OrderBy должен быть массивом');
  const out: Definition['orderBy'] = [];
  for (const o of raw) {
    if (!isObject(o) || !isField(o.Field))
      return invalid('Invalid value of OrderBy.Field', 'Неверное значение OrderBy.Field');
    if (o.SortOrder !== undefined && o.SortOrder !== 'ASCENDING' && o.SortOrder !== 'DESCENDING')
      return invalid('Invalid value of OrderBy.SortOrder', 'Неверное значение OrderBy.SortOrder');
    out.push({ field: o.Field, descending: o.SortOrder === 'DESCENDING' });
  }
  return out;
}

function parsePage(raw: unknown): Definition['page'] | DirectFailure {
  if (raw === undefined) return null;
  const limit = isObject(raw) ? raw.Limit : undefined;
  const offset = isObject(raw) ? (raw.Offset ?? 0) : 0;
  if (
    !Number.isInteger(limit) ||
    (limit as number) < 1 ||
    !Number.isInteger(offset) ||
    (offset as number) < 0
  )
    return invalid(
      'Invalid Page: Limit must be a positive integer',
      'Неверный Page: Limit — целое больше нуля',
    );
  return { limit: limit as number, offset: offset as number };
}

function parseFieldNames(raw: unknown, type: string): Field[] | DirectFailure {
  if (!Array.isArray(raw) || raw.length === 0)
    return invalid('FieldNames must be a non-empty array', 'FieldNames должен быть непустым массивом');
  const seen = new Set<string>();
  for (const f of raw) {
    if (!isField(f))
      return invalid(
        `Invalid value of FieldNames: ${String(f)}`,
        `Неверное значение FieldNames: ${String(f)}`,
      );
    if (seen.has(f))
      return invalid(`Field ${f} is repeated in FieldNames`, `Поле ${f} повторяется в FieldNames`);
    seen.add(f);
    if (REPORT_TYPES[type]?.forbidden.includes(f))
      return invalid(
        `Field ${f} is incompatible with report type ${type}`,
        `Поле ${f} несовместимо с типом отчета ${type}`,
      );
  }
  return raw as Field[];
}

/** Checks `{"params": ReportDefinition}`; `today` resolves relative date ranges. */
export function parseDefinition(body: unknown, today: string): Definition | DirectFailure {
  if (!isObject(body) || !isObject(body.params))
    return invalid('The request must contain the params object', 'В запросе должна быть структура params');
  const p = body.params;
  for (const name of [
    'SelectionCriteria',
    'FieldNames',
    'ReportName',
    'ReportType',
    'DateRangeType',
    'Format',
    'IncludeVAT',
  ]) {
    const missing = required(p, name);
    if (missing) return missing;
  }
  const sc = p.SelectionCriteria;
  if (!isObject(sc))
    return invalid('SelectionCriteria must be an object', 'SelectionCriteria должен быть структурой');
  if (typeof p.ReportName !== 'string' || p.ReportName.trim() === '')
    return invalid('ReportName must be a non-empty string', 'ReportName должен быть непустой строкой');
  const type = String(p.ReportType);
  if (OTHER_REPORT_TYPES.has(type))
    return invalid(
      `Report type ${type} is not modelled by the fake`,
      `Тип отчета ${type} не поддержан в имитации`,
    );
  const spec = REPORT_TYPES[type];
  if (!spec) return invalid(`Invalid value of ReportType: ${type}`, `Неверное значение ReportType: ${type}`);
  if (p.Format !== 'TSV') return invalid('Format must be TSV', 'Format должен быть TSV');
  if (p.IncludeVAT !== 'YES' && p.IncludeVAT !== 'NO')
    return invalid('IncludeVAT must be YES or NO', 'IncludeVAT должен быть YES или NO');
  if (p.IncludeDiscount !== undefined && p.IncludeDiscount !== 'YES' && p.IncludeDiscount !== 'NO')
    return invalid('IncludeDiscount must be YES or NO', 'IncludeDiscount должен быть YES или NO');
  const fieldNames = parseFieldNames(p.FieldNames, type);
  if (fieldNames instanceof DirectFailure) return fieldNames;

  const rangeType = String(p.DateRangeType);
  let range: { from: string; to: string } | null;
  if (rangeType === 'CUSTOM_DATE') {
    if (!isDate(sc.DateFrom) || !isDate(sc.DateTo))
      return invalid(
        'DateFrom and DateTo in YYYY-MM-DD are required for CUSTOM_DATE',
        'Для CUSTOM_DATE нужны DateFrom и DateTo в формате YYYY-MM-DD',
      );
    if (sc.DateFrom > sc.DateTo) return invalid('DateFrom is later than DateTo', 'DateFrom позже DateTo');
    range = { from: sc.DateFrom, to: sc.DateTo };
  } else {
    if (sc.DateFrom !== undefined || sc.DateTo !== undefined)
      return invalid(
        'DateFrom and DateTo are allowed only with CUSTOM_DATE',
        'DateFrom и DateTo допустимы только при CUSTOM_DATE',
      );
    range = resolveRange(rangeType, today);
    if (!range)
      return invalid(
        `Invalid value of DateRangeType: ${rangeType}`,
        `Неверное значение DateRangeType: ${rangeType}`,
      );
  }
  const filters = parseFilters(sc.Filter);
  if (filters instanceof DirectFailure) return filters;
  const orderBy = parseOrderBy(p.OrderBy);
  if (orderBy instanceof DirectFailure) return orderBy;
  const page = parsePage(p.Page);
  if (page instanceof DirectFailure) return page;
  return {
    reportName: p.ReportName,
    reportType: type,
    grouping: spec.grouping,
    fieldNames,
    dateRangeType: rangeType,
    dateFrom: range.from,
    dateTo: range.to,
    includeVat: p.IncludeVAT === 'YES',
    filters,
    orderBy,
    page,
  };
}
