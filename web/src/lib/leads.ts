import type { AttributionModel, Lang, LeadType } from '../api/types';

export const LEAD_TYPES: readonly LeadType[] = ['form', 'phone', 'chat', 'email', 'offline'];

import { PARAM_LABELS, type ParamKey } from '../../../src/leads/param-keys';

export { PARAM_KEYS } from '../../../src/leads/param-keys';

/** A parameter's name in the UI language (one list with the server, which names created CRM fields so). */
export const paramLabel = (key: ParamKey, lang: Lang) => PARAM_LABELS[key][lang];

export const ATTRIBUTION_MODELS: readonly AttributionModel[] = [
  'last_non_direct',
  'first_click',
  'last_click',
];

export const PHONE_REGIONS = ['RU', 'KZ', 'BY', 'UZ', 'KG', 'AM', 'GE', 'AZ', 'UA', 'US', 'DE'] as const;

const locales: Record<Lang, string> = { ru: 'ru-RU', en: 'en-GB' };

/** "Россия (RU)"; the bare code where the browser cannot name the country. */
export function regionLabel(code: string, lang: Lang): string {
  try {
    const name = new Intl.DisplayNames([locales[lang]], { type: 'region' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** "30 минут" / "30 minutes". */
export function minutesLabel(n: number, lang: Lang): string {
  try {
    return new Intl.NumberFormat(locales[lang], {
      style: 'unit',
      unit: 'minute',
      unitDisplay: 'long',
    }).format(n);
  } catch {
    return String(n);
  }
}

/** The zone's offset from UTC at `when`, in minutes (Moscow: 180). */
export function offsetMinutes(timeZone: string, when: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(when));
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
    return Math.round((asUtc - Math.floor(when / 1000) * 1000) / 60_000);
  } catch {
    return 0;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The start of a calendar day (`YYYY-MM-DD`, as a date input gives it) in `timeZone`, as an ISO date-time
 * with that zone's offset: `2026-03-01T00:00:00+03:00`. `plusDays` moves to a later day (1: the exclusive
 * end of the given day).
 */
export function zonedDayStart(date: string, timeZone: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays));
  const wall = day.getTime();
  // The wall-clock midnight, read as UTC, minus the offset; twice in case midnight sits across a DST change.
  let offset = offsetMinutes(timeZone, wall);
  offset = offsetMinutes(timeZone, wall - offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const ymd = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
  return `${ymd}T00:00:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
