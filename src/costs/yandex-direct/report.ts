/**
 * The cost report Leadtrail asks Direct for, and reading its TSV answer.
 *
 * A CUSTOM_REPORT by date, campaign, ad group and criterion (keyword) with impressions, clicks and
 * cost. The headers keep the column-name line (the anchor the parser checks) and drop the title and
 * the row-count lines; the parser still skips them if a server sends them anyway. The report name is
 * a hash of everything that shapes the report plus the run's start, so a poll repeats the request
 * exactly while the next run builds a fresh report instead of getting one stored up to 5 hours ago.
 */
import { createHash } from 'node:crypto';
import { CostConnectorError } from '../connector-error.js';
import { type CostRow, roundMoney } from '../cost-row.js';

export const FIELD_NAMES = [
  'Date',
  'CampaignId',
  'CampaignName',
  'AdGroupId',
  'AdGroupName',
  'CriterionId',
  'Criterion',
  'Impressions',
  'Clicks',
  'Cost',
] as const;

export interface ReportSpec {
  from: string;
  to: string;
  includeVat: boolean;
  moneyInMicros: boolean;
  clientLogin: string | null;
  /** distinguishes one sync run's report from the next one's */
  runStartedAt: number;
}

export interface ReportRequest {
  body: string;
  /** the report-shaping headers (auth and language are added by the client) */
  headers: Record<string, string>;
  reportName: string;
}

export function reportRequest(
  spec: ReportSpec,
  processingMode: 'auto' | 'online' | 'offline',
): ReportRequest {
  const headers: Record<string, string> = {
    processingMode,
    skipReportHeader: 'true',
    skipReportSummary: 'true',
  };
  // Micros are the API's default (the header absent); `false` asks for amounts with 2 decimals.
  if (!spec.moneyInMicros) headers.returnMoneyInMicros = 'false';
  const params = {
    SelectionCriteria: { DateFrom: spec.from, DateTo: spec.to },
    FieldNames: FIELD_NAMES,
    ReportType: 'CUSTOM_REPORT',
    DateRangeType: 'CUSTOM_DATE',
    Format: 'TSV',
    IncludeVAT: spec.includeVat ? 'YES' : 'NO',
    IncludeDiscount: 'NO',
  };
  const hash = createHash('sha256')
    .update(JSON.stringify({ params, headers, login: spec.clientLogin, run: spec.runStartedAt }))
    .digest('hex')
    .slice(0, 16);
  const reportName = `leadtrail-costs ${spec.from}..${spec.to} ${hash}`;
  return { body: JSON.stringify({ params: { ...params, ReportName: reportName } }), headers, reportName };
}

/** What Direct prints where a value does not apply. */
const DASH = /^-+$/;

function bad(detail: string): CostConnectorError {
  return new CostConnectorError({ platform: 'yandex-direct', kind: 'bad_response', platformMessage: detail });
}

/** The data lines of a TSV report, each checked to have one cell per requested field. */
export function parseTsv(text: string): string[][] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let i = 0;
  // The title line ("<name> (<from> - <to>)" in quotes) when a server sends it despite the header.
  if (lines[i]?.startsWith('"')) i++;
  const columns = FIELD_NAMES.join('\t');
  if (lines[i] !== columns)
    throw bad(
      `the report does not start with the requested columns: ${JSON.stringify((lines[i] ?? '').slice(0, 120))}`,
    );
  i++;
  const end =
    lines.length > i && /^Total rows:/i.test(lines[lines.length - 1] ?? '') ? lines.length - 1 : lines.length;
  const rows: string[][] = [];
  for (; i < end; i++) {
    const cells = (lines[i] ?? '').split('\t');
    if (cells.length !== FIELD_NAMES.length)
      throw bad(`report line ${i + 1} has ${cells.length} cells, ${FIELD_NAMES.length} expected`);
    rows.push(cells);
  }
  return rows;
}

function text(v: string): string | null {
  const t = v.trim();
  return t === '' || DASH.test(t) ? null : t;
}

function count(v: string, line: number, field: string): number {
  if (DASH.test(v.trim())) return 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw bad(`report line ${line}: ${field} is ${JSON.stringify(v)}`);
  return n;
}

/** Report rows → cost rows (`currency` is the account's: the report has no currency column). */
export function toCostRows(rows: string[][], moneyInMicros: boolean, currency: string): CostRow[] {
  return rows.map((cells, idx) => {
    const [date, campaignId, campaign, , adGroup, , criterion, impressions, clicks, cost] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const line = idx + 2;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw bad(`report line ${line}: Date is ${JSON.stringify(date)}`);
    const amount = count(cost, line, 'Cost');
    return {
      date,
      source: 'yandex',
      medium: 'cpc',
      campaign: text(campaign),
      campaignId: text(campaignId),
      content: text(adGroup),
      term: text(criterion),
      impressions: count(impressions, line, 'Impressions'),
      clicks: count(clicks, line, 'Clicks'),
      cost: roundMoney(moneyInMicros ? amount / 1_000_000 : amount),
      currency,
    };
  });
}
