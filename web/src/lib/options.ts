export const TIMEZONES = [
  'Europe/Kaliningrad',
  'Europe/Moscow',
  'Europe/Samara',
  'Asia/Yekaterinburg',
  'Asia/Omsk',
  'Asia/Novosibirsk',
  'Asia/Krasnoyarsk',
  'Asia/Irkutsk',
  'Asia/Yakutsk',
  'Asia/Vladivostok',
  'Asia/Magadan',
  'Asia/Kamchatka',
  'Europe/Minsk',
  'Europe/Kyiv',
  'Asia/Almaty',
  'Asia/Tashkent',
  'Asia/Tbilisi',
  'Asia/Yerevan',
  'Europe/Berlin',
  'Europe/London',
  'UTC',
  'America/New_York',
] as const;

export const CURRENCIES = ['RUB', 'USD', 'EUR', 'KZT', 'BYN', 'UAH', 'UZS'] as const;

export const DEFAULT_TIMEZONE = 'Europe/Moscow';
export const DEFAULT_CURRENCY = 'RUB';

/** The list plus `current` when the server holds a value the list does not offer. */
export function withCurrent(list: readonly string[], current: string | undefined): string[] {
  return current && !list.includes(current) ? [current, ...list] : [...list];
}

/** Splits a textarea of domains (newlines, commas, spaces) into a list; the server normalises them. */
export function parseDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}
