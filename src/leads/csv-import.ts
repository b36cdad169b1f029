import { CsvError, parse } from 'csv-parse/sync';
import type { CountryCode } from 'libphonenumber-js';
import type { LeadType } from '../db/schema.js';
import { contactProblems } from './contact.js';
import { occurredAtProblem } from './occurred-at.js';

/** The columns an import understands, by their canonical (API) name. */
export type CsvColumn =
  | 'email'
  | 'phone'
  | 'name'
  | 'company'
  | 'subject'
  | 'message'
  | 'type'
  | 'occurred_at'
  | 'external_id'
  | 'page';

/** Header spellings (compared lower-cased, trimmed, ё as е) → column. */
const HEADER_NAMES: Record<CsvColumn, readonly string[]> = {
  email: ['email', 'e-mail', 'почта', 'емейл'],
  phone: ['phone', 'телефон', 'тел'],
  name: ['name', 'имя', 'фио', 'клиент'],
  company: ['company', 'компания', 'организация', 'название компании'],
  subject: ['subject', 'тема'],
  message: ['message', 'comment', 'сообщение', 'комментарий'],
  type: ['type', 'тип'],
  occurred_at: ['occurred_at', 'date', 'дата'],
  external_id: ['external_id', 'id', 'номер'],
  page: ['page', 'url', 'страница'],
};

const TYPE_WORDS: Record<string, LeadType> = {
  form: 'form',
  phone: 'phone',
  chat: 'chat',
  email: 'email',
  'e-mail': 'email',
  offline: 'offline',
  форма: 'form',
  телефон: 'phone',
  звонок: 'phone',
  чат: 'chat',
  почта: 'email',
  офлайн: 'offline',
  оффлайн: 'offline',
};

/** The same limits as the JSON lead API. */
const MAX = {
  email: 254,
  phone: 50,
  name: 200,
  company: 200,
  subject: 500,
  message: 10_000,
  external_id: 200,
  page: 4096,
};

/** Clock slack for dates "now" written on a machine whose clock runs a little ahead. */

export const MAX_CSV_ERRORS = 100;

export interface CsvLeadRow {
  /** the row number as Excel shows it: the header is row 1 */
  row: number;
  type: LeadType;
  email: string | null;
  phone: string | null;
  name: string | null;
  company: string | null;
  subject: string | null;
  message: string | null;
  page: string | null;
  /** null when the file has no date for the row: the import time applies */
  occurredAt: Date | null;
  externalId: string | null;
}

export interface CsvRowError {
  row: number;
  column: CsvColumn | 'contact';
  message: string;
}

export type CsvParseResult =
  | { ok: true; rows: CsvLeadRow[]; columns: CsvColumn[]; ignoredColumns: string[] }
  /** the file as a whole cannot be imported (400) */
  | { ok: false; problem: 'empty' | 'no_contact_column' | 'not_utf8'; detail?: undefined }
  | { ok: false; problem: 'malformed' | 'duplicate_column'; detail: string }
  /** some rows are invalid (422): nothing may be imported */
  | { ok: false; problem: 'invalid_rows'; errors: CsvRowError[]; total: number };

export interface CsvOptions {
  /** IANA zone for dates written without an offset (the project's) */
  timeZone: string;
  phoneRegion: CountryCode;
  now?: Date;
}

/**
 * Reads an offline-leads CSV (UTF-8 with or without BOM, `,` `;` or tab separated, Excel quoting)
 * and validates every row. Pure: nothing is stored; either every row is valid or the errors
 * (at most 100) say which row and column to fix.
 */
export function parseLeadCsv(input: Buffer | string, opts: CsvOptions): CsvParseResult {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return { ok: false, problem: 'not_utf8' };
    }
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, problem: 'empty' };

  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) return { ok: false, problem: 'malformed', detail: err.message };
    throw err;
  }

  const [header, ...data] = records;
  if (!header) return { ok: false, problem: 'empty' };
  const columnAt = new Map<number, CsvColumn>();
  const ignoredColumns: string[] = [];
  for (const [i, raw] of header.entries()) {
    const column = recogniseHeader(raw);
    if (!column) {
      if (raw.trim()) ignoredColumns.push(raw.trim());
      continue;
    }
    if ([...columnAt.values()].includes(column))
      return { ok: false, problem: 'duplicate_column', detail: raw.trim() };
    columnAt.set(i, column);
  }
  const columns = [...columnAt.values()];
  if (!columns.some((c) => c === 'email' || c === 'phone' || c === 'name'))
    return { ok: false, problem: 'no_contact_column' };

  const now = opts.now ?? new Date();
  const rows: CsvLeadRow[] = [];
  const errors: CsvRowError[] = [];
  for (const [i, record] of data.entries()) {
    // An empty line (or a line of separators Excel leaves below the data) is no lead.
    if (record.every((f) => f.trim() === '')) continue;
    const cells: Partial<Record<CsvColumn, string>> = {};
    for (const [j, column] of columnAt) {
      const value = record[j]?.trim();
      if (value) cells[column] = value;
    }
    const result = readRow(i + 2, cells, opts, now);
    if ('errors' in result) errors.push(...result.errors);
    else rows.push(result.row);
  }
  if (errors.length)
    return {
      ok: false,
      problem: 'invalid_rows',
      errors: errors.slice(0, MAX_CSV_ERRORS),
      total: errors.length,
    };
  if (rows.length === 0) return { ok: false, problem: 'empty' };
  return { ok: true, rows, columns, ignoredColumns };
}

function recogniseHeader(raw: string): CsvColumn | null {
  const key = raw.trim().toLowerCase().replace(/ё/g, 'е');
  for (const [column, names] of Object.entries(HEADER_NAMES) as [CsvColumn, readonly string[]][]) {
    if (names.includes(key)) return column;
  }
  return null;
}

/** `;` (Russian Excel), tab or `,`: whichever separates the header line, quotes respected. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch] += 1;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

function readRow(
  row: number,
  cells: Partial<Record<CsvColumn, string>>,
  opts: CsvOptions,
  now: Date,
): { row: CsvLeadRow } | { errors: CsvRowError[] } {
  const errors: CsvRowError[] = [];
  const fail = (column: CsvRowError['column'], message: string) => {
    errors.push({ row, column, message });
  };
  for (const [column, value] of Object.entries(cells) as [CsvColumn, string][]) {
    if (value.includes('\u0000')) fail(column, 'must not contain the NUL character');
    const max = column in MAX ? MAX[column as keyof typeof MAX] : undefined;
    if (max !== undefined && value.length > max && column !== 'name' && column !== 'company')
      fail(column, `must be at most ${max} characters`);
  }
  if (errors.length) return { errors };

  if (!cells.email && !cells.phone && !cells.name) fail('contact', 'give at least one of email, phone, name');
  for (const p of contactProblems(cells, opts.phoneRegion)) fail(p.field, p.message);

  let type: LeadType = 'offline';
  if (cells.type) {
    const t = TYPE_WORDS[cells.type.toLowerCase()];
    if (t) type = t;
    else fail('type', 'must be one of form, phone, chat, email, offline');
  }

  let occurredAt: Date | null = null;
  if (cells.occurred_at) {
    occurredAt = parseLeadDate(cells.occurred_at, opts.timeZone);
    if (!occurredAt) fail('occurred_at', 'not a date: write 2026-03-15T14:30:00+03:00 or 15.03.2026 14:30');
    else {
      const problem = occurredAtProblem(occurredAt, now);
      if (problem) fail('occurred_at', problem);
    }
  }

  if (cells.page && !isWebUrl(cells.page)) fail('page', 'must be an http(s) URL');

  if (errors.length) return { errors };
  return {
    row: {
      row,
      type,
      email: cells.email ?? null,
      phone: cells.phone ?? null,
      name: cells.name ?? null,
      company: cells.company ?? null,
      subject: cells.subject ?? null,
      message: cells.message ?? null,
      page: cells.page ?? null,
      occurredAt,
      externalId: cells.external_id ?? null,
    },
  };
}

function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const RUSSIAN = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A date as people and Excel write it: ISO 8601 with an offset (an exact instant), ISO without
 * one, `DD.MM.YYYY` or `DD.MM.YYYY HH:MM[:SS]` (wall-clock time in `timeZone`). Null when it is
 * none of these or not a real calendar date (31.02).
 */
export function parseLeadDate(raw: string, timeZone: string): Date | null {
  const s = raw.trim();
  let m = ISO_WITH_OFFSET.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec] = m;
    if (!isValidWallTime(+(y ?? 0), +(mo ?? 0), +(d ?? 0), +(h ?? 0), +(mi ?? 0), +(sec ?? 0))) return null;
    const t = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(t) ? null : new Date(t);
  }
  m = ISO_LOCAL.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec] = m;
    return zonedTime([+(y ?? 0), +(mo ?? 0), +(d ?? 0), +(h ?? 0), +(mi ?? 0), +(sec ?? 0)], timeZone);
  }
  m = RUSSIAN.exec(s);
  if (m) {
    const [, d, mo, y, h, mi, sec] = m;
    return zonedTime([+(y ?? 0), +(mo ?? 0), +(d ?? 0), +(h ?? 0), +(mi ?? 0), +(sec ?? 0)], timeZone);
  }
  return null;
}

function isValidWallTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** The instant a wall-clock time in `timeZone` denotes (the earlier one in a DST overlap). */
function zonedTime(parts: [number, number, number, number, number, number], timeZone: string): Date | null {
  const [y, mo, d, h, mi, s] = parts;
  if (!isValidWallTime(y, mo, d, h, mi, s)) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  let utc = wall - zoneOffsetMs(wall, timeZone);
  // The offset at the guessed instant may differ (a DST change in between): correct once.
  utc = wall - zoneOffsetMs(utc, timeZone);
  return new Date(utc);
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `at`. */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}
