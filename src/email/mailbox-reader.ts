import type { ConnectionOptions } from 'node:tls';
import type { ImapFlow } from 'imapflow';
import { type Backoff, backoffDelay } from '../backoff.js';
import type { Db } from '../db/connection.js';
import { type Mailbox, setMailboxStatus } from '../db/queries/mailboxes.js';
import type { AddressGuard } from '../delivery/address-guard.js';
import type { Logger } from '../logger.js';
import type { Sealer } from '../security/sealed.js';
import { type FolderSync, syncFolder } from './folder-sync.js';
import { describeImapError } from './imap-errors.js';
import { closeImapClient, DEFAULT_MAX_MESSAGE_BYTES, imapClient, isServerAnswer } from './imap-session.js';
import { DeliveryError, MessageTaker, type OnMessage } from './message-taker.js';

export type { Mailbox } from '../db/queries/mailboxes.js';
export type { IncomingEmail, MessagePlace } from './incoming.js';
export type { OnMessage, OnMessageResult } from './message-taker.js';
/** The Sealer purpose of `mailboxes.password_enc` ('mailbox-password'), one constant with the settings API. */
export { MAILBOX_PASSWORD_PURPOSE } from './settings.js';

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
  backoff?: Partial<Backoff>;
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

/**
 * Reads one mailbox until stopped: new messages of each configured folder (read-only, by UID,
 * from the `since` date on) go to `onMessage`, then are recorded in `email_messages`; then it
 * waits in IDLE (or polls) and reads again. Errors become the row's status and a reconnect with
 * backoff; it never throws.
 */
export function startMailboxReader(mailbox: Mailbox, options: MailboxReaderOptions): MailboxReader {
  return new Reader(mailbox, options);
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
  #password = '';
  #client: ImapFlow | null = null;
  readonly #folderSync: FolderSync;

  constructor(mailbox: Mailbox, options: MailboxReaderOptions) {
    this.mailboxId = mailbox.id;
    this.#mailbox = mailbox;
    this.#o = options;
    this.#log = options.logger.child({ mailbox: mailbox.id });
    this.#folderSync = {
      db: options.db,
      log: this.#log,
      mailbox,
      taker: new MessageTaker({
        db: options.db,
        log: this.#log,
        onMessage: options.onMessage,
        maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      }),
      stopping: () => this.#stopping,
    };
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
      const client = imapClient(
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
        await closeImapClient(client);
      }
      if (failed) await this.#sleep(this.#backoff());
    }
  }

  #errorContext() {
    const m = this.#mailbox;
    return { host: m.host, port: m.port, tls: m.tls, password: this.#password };
  }

  #backoff(): number {
    return backoffDelay(this.#failures, {
      minMs: this.#o.backoff?.minMs ?? 5_000,
      maxMs: this.#o.backoff?.maxMs ?? 300_000,
    });
  }

  /** Reads every folder; the first is read last, so IDLE then watches it. */
  async #syncAll(client: ImapFlow): Promise<string[]> {
    const errors: string[] = [];
    const folders = [...this.#mailbox.folders].reverse();
    for (const [i, folder] of folders.entries()) {
      if (this.#stopping) break;
      try {
        await syncFolder(this.#folderSync, client, folder, () => {
          if (i === folders.length - 1) this.#dirty = false;
        });
      } catch (err) {
        // A folder the server refuses (gone, renamed): the others still count.
        if (!client.usable || err instanceof DeliveryError || !isServerAnswer(err)) throw err;
        errors.push(`${folder}: ${describeImapError(err, this.#errorContext())}`);
      }
    }
    return errors;
  }

  /** Until new mail is announced (IDLE), the poll interval passes, the connection drops or stop. */
  async #waitForChange(client: ImapFlow): Promise<void> {
    if (this.#dirty || this.#stopping || !client.usable) return;
    await this.#wait((this.#o.pollSeconds ?? 30) * 1000, () => {
      if ((this.#o.idle ?? true) && client.capabilities.has('IDLE')) {
        // Resolves when IDLE ends; the next command (opening the folder) breaks it.
        client.idle().catch(() => undefined);
      }
    });
  }

  async #sleep(ms: number): Promise<void> {
    if (!this.#stopping) await this.#wait(ms);
  }

  /** `ms`, or less when woken (new mail, the connection closed, stop); `meanwhile` runs once waiting. */
  async #wait(ms: number, meanwhile?: () => void): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = done;
      meanwhile?.();
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
