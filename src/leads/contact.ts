import { domainToASCII, domainToUnicode } from 'node:url';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

const MAX_NAME_LENGTH = 200;

// RFC 5321 limits; the local part also admits any letter (RFC 6531), so Cyrillic mailboxes pass.
const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const LOCAL_PART = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const ASCII_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A contact e-mail in one canonical form, so the same person matches across leads: trimmed,
 * lower-cased, NFC, the domain kept in Unicode ('Иван@Почта.РФ' → 'иван@почта.рф'). Null when it is
 * not an address a mail server would accept; quoted local parts and IP-literal domains are refused.
 */
export function normaliseEmail(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  let text = raw.trim().normalize('NFC').toLowerCase();
  // Copied from a link on a contacts page.
  if (text.startsWith('mailto:')) text = text.slice('mailto:'.length).split('?', 1)[0]?.trim() ?? '';
  if (!text || text.length > MAX_EMAIL_LENGTH) return null;
  const at = text.lastIndexOf('@');
  if (at <= 0) return null;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local)) return null;
  if (!isMailDomain(domain)) return null;
  // Browsers hand over IDN domains of type=email fields as punycode: one mailbox, one spelling.
  return `${local}@${domainToUnicode(domainToASCII(domain)) || domain}`;
}

function isMailDomain(domain: string): boolean {
  if (!domain || domain.endsWith('.') || /[\s/\\?#@:]/u.test(domain)) return false;
  const ascii = domainToASCII(domain);
  if (!ascii || ascii.length > 253) return false;
  const labels = ascii.split('.');
  const tld = labels.at(-1) ?? '';
  return labels.length >= 2 && labels.every((l) => ASCII_LABEL.test(l)) && TOP_LEVEL.test(tld);
}

/**
 * A phone number in E.164 ('+79123456789'), read the way people type it: with a national prefix
 * ('8 912 …'), without a country code (taken from `defaultRegion`), in brackets and dashes, as a
 * `tel:` link, after a label ('тел.: …'). Extensions are dropped: E.164 has no place for them, and a
 * lead is matched by the main number. Null unless libphonenumber's full metadata calls it valid.
 */
export function normalisePhone(
  raw: string | null | undefined,
  defaultRegion: CountryCode = 'RU',
): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (!text) return null;
  const parsed = validE164(text, defaultRegion);
  if (parsed) return parsed;
  // "+8 912 …": a plus typed out of habit before the Russian trunk prefix.
  if (/^\+\s*8/.test(text)) return validE164(text.replace(/^\+\s*/, ''), defaultRegion);
  return null;
}

function validE164(text: string, region: CountryCode): string | null {
  const phone = parsePhoneNumberFromString(text, { defaultCountry: region });
  return phone?.isValid() ? phone.number : null;
}

/**
 * A person's name as typed, tidied: outer space trimmed, runs of whitespace and control characters
 * made one space, invisible zero-width characters (pasted from messengers) dropped. Longer than
 * 200 characters it is cut, not refused: a long name is still the lead's name.
 */
export function normaliseName(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw
    .normalize('NFC')
    .replace(/[\u200b\u2060\ufeff]/gu, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
  if (!text) return null;
  return truncate(text, MAX_NAME_LENGTH);
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd();
}

/**
 * What is wrong with the e-mail and phone someone sent, by field: contacts that cannot be
 * understood are refused (400 / a CSV row error), never silently dropped.
 */
export function contactProblems(
  contact: { email?: string | null; phone?: string | null },
  defaultRegion: CountryCode,
): Array<{ field: 'email' | 'phone'; message: string }> {
  return [
    ...(contact.email && !normaliseEmail(contact.email)
      ? [{ field: 'email' as const, message: 'not an e-mail address' }]
      : []),
    ...(contact.phone && !normalisePhone(contact.phone, defaultRegion)
      ? [{ field: 'phone' as const, message: 'not a phone number' }]
      : []),
  ];
}
