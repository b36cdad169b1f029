import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { MessagePlace } from '../db/queries/email-messages.js';
import { normaliseEmail } from '../leads/contact.js';
import { automaticReason, type HeaderPair } from './auto-reply.js';
import { MAX_BODY_LENGTH, replyText } from './body-text.js';

export type { MessagePlace };

/** One message as the intake hands it on (to become an `email` lead, or to be ignored). */
export interface IncomingEmail {
  place: MessagePlace;
  /** `<id@host>`, angle brackets included (as in In-Reply-To and References) */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** address normalised (lower case, IDN domain in Unicode) */
  from: { address: string; name: string } | null;
  to: string[];
  cc: string[];
  /** Delivered-To and X-Original-To: where a forward or alias really delivered it */
  deliveredTo: string[];
  subject: string | null;
  /** what the sender wrote this time: HTML converted, quotes and signature trimmed */
  text: string;
  /** the whole plain text before trimming (capped), e.g. for a phone number in the signature */
  fullText: string;
  /** the Date header */
  date: Date | null;
  /** when the server received it (IMAP INTERNALDATE) */
  receivedAt: Date | null;
  /** why a machine sent it (auto-reply, bounce, list, bulk): such messages are not leads */
  autoReason: string | null;
  /** the message was larger than the reader's cap and only its beginning was parsed */
  truncated: boolean;
}

export async function parseIncoming(
  source: Buffer,
  place: MessagePlace,
  extra: { receivedAt?: Date | null; truncated?: boolean } = {},
): Promise<IncomingEmail> {
  const mail = await simpleParser(source, {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: 2_000_000,
  });
  return toIncoming(mail, place, extra);
}

export function toIncoming(
  mail: ParsedMail,
  place: MessagePlace,
  extra: { receivedAt?: Date | null; truncated?: boolean } = {},
): IncomingEmail {
  const headers: HeaderPair[] = mail.headerLines.map(({ key, line }) => {
    const colon = line.indexOf(':');
    return [key, colon >= 0 ? line.slice(colon + 1).trim() : ''];
  });
  const sender = addresses(mail.from)[0] ?? null;
  const plain = (mail.text ?? '').replace(/\r\n?/g, '\n');
  const references = Array.isArray(mail.references)
    ? mail.references.flatMap(messageIds)
    : messageIds(mail.references);
  const deliveredTo = unique(
    headers
      .filter(([k]) => k === 'delivered-to' || k === 'x-original-to')
      .flatMap(([, v]) => v.match(/[^\s<>,;:"'()[\]]+@[^\s<>,;:"'()[\]]+/g) ?? [])
      .map(email)
      .filter((a): a is string => a !== null),
  );
  const date = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null;
  return {
    place,
    messageId: messageIds(mail.messageId)[0] ?? null,
    inReplyTo: messageIds(mail.inReplyTo)[0] ?? null,
    references: unique(references),
    from: sender,
    to: unique(addresses(mail.to).map((a) => a.address)),
    cc: unique(addresses(mail.cc).map((a) => a.address)),
    deliveredTo,
    subject: mail.subject?.trim() || null,
    text: replyText(plain),
    fullText: plain.length > MAX_BODY_LENGTH ? plain.slice(0, MAX_BODY_LENGTH) : plain,
    date,
    receivedAt: extra.receivedAt ?? null,
    autoReason: automaticReason(headers, sender?.address ?? null),
    truncated: extra.truncated ?? false,
  };
}

/** Message-IDs in a header value, each as `<id>`; a bare id without brackets is wrapped. */
export function messageIds(value: string | undefined | null): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  const bare = value.trim();
  return bare && !/\s/.test(bare) && bare.length <= 995 ? [`<${bare}>`] : [];
}

function addresses(obj: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const out: { address: string; name: string }[] = [];
  type Entry = AddressObject['value'][number];
  const walk = (list: readonly Entry[]) => {
    for (const e of list) {
      if (e.group) walk(e.group);
      const address = e.address ? email(e.address) : null;
      if (address) out.push({ address, name: (e.name ?? '').trim() });
    }
  };
  for (const o of Array.isArray(obj) ? obj : obj ? [obj] : []) walk(o.value);
  return out;
}

function email(raw: string): string | null {
  const t = raw.trim();
  if (!t.includes('@')) return null;
  return normaliseEmail(t) ?? t.toLowerCase();
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
