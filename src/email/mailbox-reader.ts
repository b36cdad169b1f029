import type { ConnectionOptions } from 'node:tls';
import { ImapFlow } from 'imapflow';
import type { Db } from '../db/connection.js';
import {
  findEmailMessage,
  recordEmailMessage,
  takenBeforeRenumbering,
} from '../db/queries/email-messages.js';
import {
  addFolderPosition,
  advanceFolderPosition,
  findFolderPosition,
  type Mailbox,
  restartFolderPosition,
  setMailboxStatus,
} from '../db/queries/mailboxes.js';
import { type AddressGuard, isAddressRefused } from '../delivery/address-guard.js';
import type { Logger } from '../logger.js';
import type { Sealer } from '../security/sealed.js';
import { describeImapError } from './imap-errors.js';
import { type IncomingEmail, type MessagePlace, parseIncoming } from './incoming.js';

export type { Mailbox } from '../db/queries/mailboxes.js';
export type { IncomingEmail, MessagePlace } from './incoming.js';
/** The Sealer purpose of `mailboxes.password_enc` ('mailbox-password'), one constant with the settings API. */
export { MAILBOX_PASSWORD_PURPOSE } from './settings.js';

/** What the callback may tell about a message: the lead it became, or why it was ignored. */
export type OnMessageResult = { leadId?: string | null; ignored?: string | null } | undefined;

/**
 * Receives each new message once it is read. Called again with the same `place` when the process
 * stopped between the callback and the record of the message (at-least-once): make it idempotent,
 * best by recording the place itself with `recordEmailMessage` (db/queries/email-messages) in the same transaction as
 * the lead (the reader's own record is then a no-op).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a plain `async (msg) => { … }` must fit
export type OnMessage = (msg: IncomingEmail) => Promise<OnMessageResult | void>;

export interface MailboxReaderOptions {
  db: Db;
  logger: Logger;
  /** opens `password_enc` (purpose {@link MAILBOX_PASSWORD_PURPOSE}) */
  sealer: Sealer;
  /** checks the host on every connection: a name may resolve elsewhere than when it was saved */
  guard: AddressGuard;
  onMessage: OnMessage;
  /** the longest wait between two looks at the folders, IDLE or not (default 30) */
  pollSeconds?: number;
  /** use IDLE when the server offers it (default true) */
  idle?: boolean;
  /** a larger message is read only this far (default 10 MB) */
  maxMessageBytes?: number;
  /** more TLS options, e.g. `ca` for a private certificate authority */
  tls?: ConnectionOptions;
  /** reconnect delays: doubling from minMs up to maxMs, with jitter (default 5 s … 5 min) */
  backoff?: { minMs?: number; maxMs?: number };
  /** budget for TCP + TLS + greeting (default 20 s) */
  connectTimeoutMs?: number;
}

export interface MailboxReader {
  readonly mailboxId: string;
  /** look at the folders now instead of waiting */
  wake(): void;
  /** finishes the message in hand, logs out; resolves when stopped */
  stop(): Promise<void>;
}

export interface MailboxConnectionSettings {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  folders?: string[];
}

const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** A callback failing this many times in a row for one message: the message is set aside. */
const MAX_DELIVERY_ATTEMPTS = 5;
const DAY_MS = 86_400_000;
const META_SLICE = 500;

/**
 * Reads one mailbox until stopped: new messages of each configured folder (read-only, by UID,
 * from the `since` date on) go to `onMessage`, then are recorded in `email_messages`; then it
 * waits in IDLE (or polls) and reads again. Errors become the row's status and a reconnect with
 * backoff; it never throws.
 */
export function startMailboxReader(mailbox: Mailbox, options: MailboxReaderOptions): MailboxReader {
  return new Reader(mailbox, options);
}

/**
 * Connects once and reports what the server said: for the settings form's "test connection".
 * Checks that the folders exist. Never throws; the message never contains the password.
 * `refused`: the guard refused the host (the message is then the guard's one generic text).
 */
export async function testMailboxConnection(
  settings: MailboxConnectionSettings,
  extra: { guard: AddressGuard; tls?: ConnectionOptions; timeoutMs?: number },
): Promise<{ ok: true; folders: string[] } | { ok: false; message: string; refused?: true }> {
  const client = newClient(settings, {
    guard: extra.guard,
    tls: extra.tls,
    connectTimeoutMs: extra.timeoutMs,
  });
  client.on('error', () => undefined);
  const ctx = { host: settings.host, port: settings.port, tls: settings.tls, password: settings.password };
  try {
    extra.guard.checkLiteral(settings.host);
    await client.connect();
    const list = await client.list();
    const paths = list.map((f) => f.path);
    const missing = (settings.folders ?? []).filter(
      (f) => !list.some((l) => l.path === f || (f.toUpperCase() === 'INBOX' && l.specialUse === '\\Inbox')),
    );
    if (missing.length) {
      return {
        ok: false,
        message: `No such folder on the server: ${missing.join(', ')} (there are: ${paths.join(', ')})`,
      };
    }
    return { ok: true, folders: paths };
  } catch (err) {
    if (isAddressRefused(err)) return { ok: false, message: describeImapError(err, ctx), refused: true };
    return { ok: false, message: describeImapError(err, ctx) };
  } finally {
    await closeClient(client);
  }
}

/** The host's IP literal must pass `guard.checkLiteral` first: Node connects to one without a lookup. */
function newClient(
  s: { host: string; port: number; tls: boolean; user: string; password: string },
  o: { guard: AddressGuard; tls?: ConnectionOptions; connectTimeoutMs?: number; maxMessageBytes?: number },
): ImapFlow {
  const timeout = o.connectTimeoutMs ?? 20_000;
  // The socket resolves the name through the guard, so the address connected to is the one
  // checked (DNS rebinding); the name stays the TLS servername.
  const lookup = o.guard.lookup;
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.tls,
    auth: { user: s.user, pass: s.password },
    // TLS on: the certificate is checked. TLS off: STARTTLS when offered, as a shield against
    // passive listeners only (the user chose an unencrypted port, so a self-signed certificate
    // must not break it).
    tls: s.tls ? { ...o.tls, lookup } : { ...o.tls, lookup, rejectUnauthorized: false },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeout,
    greetingTimeout: Math.min(timeout, 15_000),
    maxLiteralSize: (o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) + 1024 * 1024,
    clientInfo: { name: 'Leadtrail' },
  });
}

async function closeClient(client: ImapFlow): Promise<void> {
  if (!client.usable) {
    client.close();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.logout().catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, 3_000);
    }),
  ]);
  clearTimeout(timer);
  client.close();
}

class Reader implements MailboxReader {
  readonly mailboxId: string;
  readonly #mailbox: Mailbox;
  readonly #o: MailboxReaderOptions;
  readonly #log: Logger;
  readonly #done: Promise<void>;
  #stopping = false;
  #wakeUp: (() => void) | null = null;
  /** new mail announced while reading: look again before waiting */
  #dirty = false;
  #failures = 0;
  #deliveryFailures = new Map<string, number>();
  #password = '';
  #client: ImapFlow | null = null;

  constructor(mailbox: Mailbox, options: MailboxReaderOptions) {
    this.mailboxId = mailbox.id;
    this.#mailbox = mailbox;
    this.#o = options;
    this.#log = options.logger.child({ mailbox: mailbox.id });
    this.#done = this.#run().catch((err) => {
      this.#log.error({ err }, 'mailbox reader crashed');
    });
  }

  wake(): void {
    this.#dirty = true;
    this.#wakeUp?.();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeUp?.();
    // The message in hand is finished and the session logged out; a connection hanging in
    // connect or a slow command is cut after a grace period (nothing is lost: not yet recorded).
    const grace = setTimeout(() => this.#client?.close(), 2_000);
    await this.#done;
    clearTimeout(grace);
  }

  async #run(): Promise<void> {
    const m = this.#mailbox;
    while (!this.#stopping) {
      try {
        this.#password = this.#o.sealer.open(m.password_enc);
      } catch {
        await this.#setStatus(
          'error',
          'The stored password cannot be decrypted (was SECRET_KEY changed?): enter the password again',
        );
        await this.#sleep(this.#o.backoff?.maxMs ?? 300_000);
        continue;
      }
      const client = newClient(
        { host: m.host, port: m.port, tls: m.tls, user: m.username, password: this.#password },
        this.#o,
      );
      this.#client = client;
      let lastError: unknown = null;
      client.on('error', (err: unknown) => {
        lastError = err;
      });
      // Only the current connection may cut a wait short.
      client.on('exists', (ev: { count: number; prevCount: number }) => {
        if (this.#client === client && ev.count > ev.prevCount) this.wake();
      });
      client.on('close', () => {
        if (this.#client === client) this.#wakeUp?.();
      });
      let failed = false;
      try {
        this.#o.guard.checkLiteral(m.host);
        await client.connect();
        if (this.#stopping) break;
        this.#log.debug({ host: m.host, idle: client.capabilities.has('IDLE') }, 'mailbox connected');
        while (!this.#stopping) {
          const folderErrors = await this.#syncAll(client);
          if (this.#stopping) break;
          if (folderErrors.length) await this.#setStatus('error', folderErrors.join('; '));
          else await this.#setStatus('connected', null);
          this.#failures = 0;
          await this.#waitForChange(client);
          if (!client.usable && !this.#stopping)
            throw lastError ?? new Error('the server closed the connection');
        }
      } catch (err) {
        if (this.#stopping) break;
        failed = true;
        const message =
          err instanceof DeliveryError ? err.message : describeImapError(err, this.#errorContext());
        this.#log.warn({ err: message }, 'mailbox reading failed');
        await this.#setStatus('error', message);
        this.#failures++;
      } finally {
        this.#client = null;
        await closeClient(client);
      }
      if (failed) await this.#sleep(this.#backoff());
    }
  }

  #errorContext() {
    const m = this.#mailbox;
    return { host: m.host, port: m.port, tls: m.tls, password: this.#password };
  }

  #backoff(): number {
    const min = this.#o.backoff?.minMs ?? 5_000;
    const max = this.#o.backoff?.maxMs ?? 300_000;
    const base = Math.min(max, min * 2 ** Math.min(this.#failures - 1, 30));
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  /** Reads every folder; the first is read last, so IDLE then watches it. */
  async #syncAll(client: ImapFlow): Promise<string[]> {
    const errors: string[] = [];
    const folders = [...this.#mailbox.folders].reverse();
    for (const [i, folder] of folders.entries()) {
      if (this.#stopping) break;
      try {
        await this.#syncFolder(client, folder, i === folders.length - 1);
      } catch (err) {
        // A folder the server refuses (gone, renamed): the others still count.
        if (!client.usable || err instanceof DeliveryError || !isServerAnswer(err)) throw err;
        errors.push(`${folder}: ${describeImapError(err, this.#errorContext())}`);
      }
    }
    return errors;
  }

  async #syncFolder(client: ImapFlow, folder: string, watched: boolean): Promise<void> {
    const { db } = this.#o;
    const m = this.#mailbox;
    const box = await client.mailboxOpen(folder, { readOnly: true });
    if (watched) this.#dirty = false;
    const uidValidity = Number(box.uidValidity);

    const state = await findFolderPosition(db, m.id, folder);
    let lastUid = 0;
    if (!state) {
      await addFolderPosition(db, m.id, folder, uidValidity);
    } else if (Number(state.uid_validity) !== uidValidity) {
      // The server renumbered the folder: UIDs start over, from the start date again. Messages
      // already taken are recognised by their Message-ID (see #take).
      this.#log.info(
        { folder, was: state.uid_validity, now: uidValidity },
        'UIDVALIDITY changed: reading again',
      );
      await restartFolderPosition(db, m.id, folder, uidValidity);
    } else {
      lastUid = Number(state.last_uid);
    }
    const topUid = box.uidNext - 1;
    if (box.exists === 0 || topUid <= lastUid) {
      if (topUid > lastUid) await this.#advance(folder, uidValidity, topUid);
      return;
    }

    // Only the new part of the folder, and nothing before the start date. SINCE compares dates
    // (no time, the server's time zone): a day of margin here, the exact time checked below.
    const found = await client.search(
      { uid: `${lastUid + 1}:*`, since: new Date(m.since.getTime() - DAY_MS) },
      { uid: true },
    );
    const uids = (found || []).filter((u) => u > lastUid).sort((a, b) => a - b);
    // In slices: INTERNALDATE and size of a few hundred at once, then one message at a time.
    for (let i = 0; i < uids.length; i += META_SLICE) {
      const slice = uids.slice(i, i + META_SLICE);
      const meta = new Map<number, { receivedAt: Date | null; size: number }>();
      for (const msg of await client.fetchAll(
        uidSet(slice),
        { uid: true, internalDate: true, size: true },
        { uid: true },
      )) {
        const d = msg.internalDate ? new Date(msg.internalDate) : null;
        meta.set(msg.uid, { receivedAt: d && !Number.isNaN(d.getTime()) ? d : null, size: msg.size ?? 0 });
      }
      for (const uid of slice) {
        if (this.#stopping) return;
        const info = meta.get(uid);
        // Gone meanwhile, or before the start date (the margin above): skip.
        if (info && (!info.receivedAt || info.receivedAt >= m.since)) {
          await this.#take(client, { mailboxId: m.id, folder, uidValidity, uid }, info);
        }
        await this.#advance(folder, uidValidity, uid);
      }
    }
    // Everything below UIDNEXT at the time of opening has been looked at.
    if (!this.#stopping && topUid > lastUid) await this.#advance(folder, uidValidity, topUid);
  }

  async #take(
    client: ImapFlow,
    place: MessagePlace,
    info: { receivedAt: Date | null; size: number },
  ): Promise<void> {
    const { db } = this.#o;
    if (await findEmailMessage(db, place)) return;

    const max = this.#o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const truncated = info.size > max;
    const fetched = await client.fetchOne(
      String(place.uid),
      { uid: true, source: truncated ? { start: 0, maxLength: max } : true },
      { uid: true },
    );
    if (fetched === false || !fetched.source) return; // expunged meanwhile

    let msg: IncomingEmail;
    try {
      msg = await parseIncoming(fetched.source, place, { receivedAt: info.receivedAt, truncated });
    } catch (err) {
      this.#log.warn({ err, uid: place.uid, folder: place.folder }, 'message cannot be parsed: skipped');
      await recordEmailMessage(db, place, { messageId: null, ignored: `unreadable: ${errorText(err)}` });
      return;
    }

    // After a UIDVALIDITY change the same message comes back under a new UID.
    if (msg.messageId && (await takenBeforeRenumbering(db, place, msg.messageId))) {
      await recordEmailMessage(db, place, {
        messageId: msg.messageId,
        ignored: 'already taken before the folder was renumbered (UIDVALIDITY)',
      });
      return;
    }

    const key = `${place.folder}\n${place.uidValidity}\n${place.uid}`;
    let result: OnMessageResult;
    try {
      result = (await this.#o.onMessage(msg)) ?? undefined;
      this.#deliveryFailures.delete(key);
    } catch (err) {
      const attempts = (this.#deliveryFailures.get(key) ?? 0) + 1;
      this.#deliveryFailures.set(key, attempts);
      if (attempts < MAX_DELIVERY_ATTEMPTS) {
        throw new DeliveryError(
          `Saving message UID ${place.uid} in ${place.folder} failed: ${errorText(err)}`,
        );
      }
      // A message that keeps failing must not hold up the mailbox for good.
      this.#log.error(
        { err, uid: place.uid, folder: place.folder, attempts },
        'message set aside after repeated failures',
      );
      this.#deliveryFailures.delete(key);
      result = { ignored: `failed ${attempts} times: ${errorText(err)}`.slice(0, 500) };
    }
    const leadId = result?.leadId ?? null;
    await recordEmailMessage(db, place, {
      messageId: msg.messageId,
      leadId,
      ignored: result?.ignored ?? (leadId ? null : msg.autoReason),
    });
  }

  async #advance(folder: string, uidValidity: number, uid: number): Promise<void> {
    await advanceFolderPosition(this.#o.db, this.#mailbox.id, folder, uidValidity, uid);
  }

  /** Until new mail is announced (IDLE), the poll interval passes, the connection drops or stop. */
  async #waitForChange(client: ImapFlow): Promise<void> {
    if (this.#dirty || this.#stopping || !client.usable) return;
    const pollMs = (this.#o.pollSeconds ?? 30) * 1000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = done;
      if ((this.#o.idle ?? true) && client.capabilities.has('IDLE')) {
        // Resolves when IDLE ends; the next command (opening the folder) breaks it.
        client.idle().catch(() => undefined);
      }
    });
    this.#wakeUp = null;
  }

  async #sleep(ms: number): Promise<void> {
    if (this.#stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = done;
    });
    this.#wakeUp = null;
  }

  async #setStatus(status: 'connected' | 'error', message: string | null): Promise<void> {
    try {
      await setMailboxStatus(this.#o.db, this.#mailbox.id, status, message);
    } catch (err) {
      this.#log.warn({ err }, 'mailbox status not saved');
    }
  }
}

/** The callback (the lead's side) failed: not the mail server's fault. */
class DeliveryError extends Error {}

function isServerAnswer(err: unknown): boolean {
  const s = (err as { responseStatus?: unknown } | null)?.responseStatus;
  return s === 'NO' || s === 'BAD';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** "1:3,7,9:10" from sorted UIDs. */
export function uidSet(sorted: readonly number[]): string {
  const parts: string[] = [];
  let start = sorted[0];
  let prev = start;
  for (let i = 1; i <= sorted.length; i++) {
    const u = sorted[i];
    if (u !== undefined && prev !== undefined && u === prev + 1) {
      prev = u;
      continue;
    }
    if (start !== undefined) parts.push(start === prev ? `${start}` : `${start}:${prev}`);
    start = u;
    prev = u;
  }
  return parts.join(',');
}
