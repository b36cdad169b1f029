import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../security/passwords.js';

/** Field schemas shared by every endpoint that takes them, so rules and messages stay in one place. */

/** PostgreSQL text cannot hold U+0000: such input is a 400 validation error, not a failed insert. */
export const noNul = (s: string): boolean => !s.includes('\u0000');
export const NO_NUL_MESSAGE = 'must not contain the NUL character';

/** Free text stored as is (names): trimmed, at most `max` characters, no NUL. */
export const textField = (max: number) => z.string().trim().max(max).refine(noNul, NO_NUL_MESSAGE);

export const emailField = z
  .string()
  .trim()
  .max(254)
  .refine(noNul, NO_NUL_MESSAGE)
  .pipe(z.email({ pattern: z.regexes.unicodeEmail, error: 'must be an e-mail address' }))
  .transform((e) => e.toLowerCase());

export const passwordField = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'must be at most 256 characters');

export const nameField = textField(200);

export const languageField = z.enum(['ru', 'en']);

export const roleField = z.enum(['owner', 'admin', 'viewer']);

export const timezoneField = z
  .string()
  .trim()
  .refine(isTimeZone, 'must be an IANA time zone such as Europe/Moscow');

export const currencyField = z
  .string()
  .trim()
  .transform((c) => c.toUpperCase())
  .refine(isCurrency, 'must be an ISO 4217 currency code such as RUB');

function isTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const currencies = new Set(Intl.supportedValuesOf('currency'));
function isCurrency(c: string): boolean {
  return currencies.has(c);
}

export const uuidParam = z.object({ id: z.uuid() });
