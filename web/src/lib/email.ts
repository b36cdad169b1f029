import type { ErrorDetail } from '../api/client';
import type {
  EmailTracking,
  EmailTrackingInput,
  Mailbox,
  MailboxInput,
  MailboxTestInput,
} from '../api/types';
import { offsetMinutes } from './leads';

export const IMAPS_PORT = 993;
export const IMAP_PORT = 143;
export const HOLD_DEFAULT = 30;
const EXAMPLE_ADDRESS = 'info@shop.ru';

/** One mailbox as the form edits it: inputs hold strings; `since` is a `datetime-local` value. */
export interface MailboxDraft {
  /** React's key: the saved mailbox's id, or a made-up one for a new mailbox */
  key: string;
  /** the saved mailbox this row was loaded from */
  id: string | null;
  /** host and user as stored: another host or user makes a new mailbox on save (the server's identity) */
  saved: { host: string; user: string } | null;
  host: string;
  port: string;
  tls: boolean;
  user: string;
  /** write-only: empty keeps the stored password */
  password: string;
  /** comma-separated */
  folders: string;
  since: string;
  /** `since` as loaded: unchanged, it is not sent (the stored time keeps its seconds) */
  sinceLoaded: string;
}

export interface EmailDraft {
  publicAddress: string;
  mode: 'plus' | 'pool';
  /** one address a line */
  pool: string;
  holdMinutes: string;
  mailboxes: MailboxDraft[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the wall-clock `YYYY-MM-DDTHH:mm` of `timeZone` (what a `datetime-local` input shows). */
export function toLocalInput(iso: string | number, timeZone: string): string {
  const when = new Date(iso).getTime();
  if (Number.isNaN(when)) return '';
  const local = new Date(when + offsetMinutes(timeZone, when) * 60_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(
    local.getUTCHours(),
  )}:${pad(local.getUTCMinutes())}`;
}

/** A `datetime-local` value read in `timeZone`, as an ISO date-time with that zone's offset. */
export function fromLocalInput(value: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The wall-clock time read as UTC, minus the offset; twice in case it sits across a DST change.
  let offset = offsetMinutes(timeZone, wall);
  offset = offsetMinutes(timeZone, wall - offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

let nextKey = 0;
const newKey = () => `new-${++nextKey}`;

function mailboxDraft(m: Mailbox, timeZone: string): MailboxDraft {
  const since = toLocalInput(m.since, timeZone);
  return {
    key: m.id,
    id: m.id,
    saved: { host: m.host, user: m.user },
    host: m.host,
    port: String(m.port),
    tls: m.tls,
    user: m.user,
    password: '',
    folders: m.folders.join(', '),
    since,
    sinceLoaded: since,
  };
}

/** A new mailbox: IMAP over TLS, the inbox, read from now on. */
export function newMailbox(timeZone: string): MailboxDraft {
  const since = toLocalInput(Date.now(), timeZone);
  return {
    key: newKey(),
    id: null,
    saved: null,
    host: '',
    port: String(IMAPS_PORT),
    tls: true,
    user: '',
    password: '',
    folders: 'INBOX',
    since,
    sinceLoaded: '',
  };
}

export function toDraft(s: EmailTracking, timeZone: string): EmailDraft {
  return {
    publicAddress: s.publicAddress ?? '',
    mode: s.aliases.mode,
    pool: s.aliases.mode === 'pool' ? s.aliases.addresses.join('\n') : '',
    holdMinutes: String(s.aliases.mode === 'pool' ? s.aliases.holdMinutes : HOLD_DEFAULT),
    mailboxes: s.mailboxes.map((m) => mailboxDraft(m, timeZone)),
  };
}

/** The pool's addresses: one a line (commas and spaces also separate them). */
export const parsePool = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const normHost = (host: string) => host.trim().toLowerCase();

/** Whether saving makes this a new mailbox (which needs a password): unsaved, or another host or user. */
export const isNewMailbox = (m: MailboxDraft) =>
  !m.saved || m.saved.host !== normHost(m.host) || m.saved.user !== m.user.trim();

const portOf = (m: MailboxDraft) => {
  const text = m.port.trim();
  return text === '' ? (m.tls ? IMAPS_PORT : IMAP_PORT) : Number(text);
};

export const parseFolders = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function mailboxInput(m: MailboxDraft, timeZone: string): MailboxInput {
  const out: MailboxInput = { host: m.host.trim(), port: portOf(m), tls: m.tls, user: m.user.trim() };
  if (m.password !== '') out.password = m.password;
  const folders = parseFolders(m.folders);
  if (folders.length > 0) out.folders = folders;
  if (isNewMailbox(m) || m.since !== m.sinceLoaded) {
    const since = fromLocalInput(m.since, timeZone);
    if (since) out.since = since;
  }
  return out;
}

export function toInput(d: EmailDraft, timeZone: string): EmailTrackingInput {
  const hold = d.holdMinutes.trim();
  return {
    publicAddress: d.publicAddress.trim(),
    aliases:
      d.mode === 'plus'
        ? { mode: 'plus' }
        : { mode: 'pool', addresses: parsePool(d.pool), ...(hold ? { holdMinutes: Number(hold) } : {}) },
    mailboxes: d.mailboxes.map((m) => mailboxInput(m, timeZone)),
  };
}

/** What the connection test sends: the typed password, else the saved mailbox's (same host and user only). */
export function testInput(m: MailboxDraft): MailboxTestInput {
  const out: MailboxTestInput = { host: m.host.trim(), port: portOf(m), tls: m.tls, user: m.user.trim() };
  if (m.password !== '') out.password = m.password;
  else if (m.id && !isNewMailbox(m)) out.mailboxId = m.id;
  return out;
}

/** `info+k7f3@shop.ru` for `info@shop.ru`: how a plus alias of the public address looks. */
export function plusExample(address: string): string {
  const m = /^([^@\s+]+)@([^@\s]+\.[^@\s]+)$/.exec(address.trim());
  return m ? `${m[1]}+k7f3@${m[2]}` : 'info+k7f3@shop.ru';
}

export const exampleAddress = (address: string) =>
  /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address.trim()) ? address.trim() : EXAMPLE_ADDRESS;

/**
 * The server's validation details by form field: `publicAddress`, `aliases.addresses`, `aliases.holdMinutes`,
 * `mailboxes.0.password`… A pool address's message names the address (the server's index is the sent list's).
 */
export function fieldErrors(details: unknown, sentPool: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!Array.isArray(details)) return out;
  for (const d of details as ErrorDetail[]) {
    if (typeof d?.message !== 'string' || typeof d.path !== 'string') continue;
    const parts = d.path.replace(/^body\.?/, '').split('.');
    let key = parts.join('.');
    let message = d.message;
    if (parts[0] === 'mailboxes' && parts.length >= 3) key = parts.slice(0, 3).join('.');
    else if (parts[0] === 'aliases' && parts[1] === 'addresses') {
      key = 'aliases.addresses';
      const address = parts[2] === undefined ? undefined : sentPool[Number(parts[2])];
      if (address) message = `${address}: ${message}`;
    }
    out[key] = [...(out[key] ?? []), message];
  }
  return out;
}
