import { useMemo } from 'react';
import type { Lang } from '../api/types';
import { useI18n } from '../i18n';

const locales: Record<Lang, string> = { ru: 'ru-RU', en: 'en-GB' };

function safeFormatter(lang: Lang, options: Intl.DateTimeFormatOptions, timeZone?: string) {
  try {
    return new Intl.DateTimeFormat(locales[lang], { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat(locales[lang], options);
  }
}

export interface Formatters {
  date: (iso: string | null | undefined) => string;
  dateTime: (iso: string | null | undefined) => string;
}

/** Date formatters in the UI language and the given time zone (the account's). */
export function useFormat(timeZone?: string): Formatters {
  const { lang, t } = useI18n();
  return useMemo(() => {
    const d = safeFormatter(lang, { dateStyle: 'medium' }, timeZone);
    const dt = safeFormatter(lang, { dateStyle: 'medium', timeStyle: 'short' }, timeZone);
    const wrap = (f: Intl.DateTimeFormat) => (iso: string | null | undefined) => {
      if (!iso) return t('common.none');
      const when = new Date(iso);
      return Number.isNaN(when.getTime()) ? iso : f.format(when);
    };
    return { date: wrap(d), dateTime: wrap(dt) };
  }, [lang, t, timeZone]);
}

/** "Europe/Moscow (GMT+3)"; the offset is shown where the browser knows it. */
export function timezoneLabel(zone: string, lang: Lang): string {
  try {
    const parts = new Intl.DateTimeFormat(locales[lang], {
      timeZone: zone,
      timeZoneName: 'shortOffset',
    }).formatToParts(new Date());
    const offset = parts.find((p) => p.type === 'timeZoneName')?.value;
    return offset ? `${zone} (${offset})` : zone;
  } catch {
    return zone;
  }
}

/** "RUB — российский рубль". */
export function currencyLabel(code: string, lang: Lang): string {
  try {
    const name = new Intl.DisplayNames([locales[lang]], { type: 'currency' }).of(code);
    return name && name !== code ? `${code} — ${name}` : code;
  } catch {
    return code;
  }
}
