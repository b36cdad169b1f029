import type { ImapFlow } from 'imapflow';
import type { Db } from '../db/connection.js';
import {
  findEmailMessage,
  recordEmailMessage,
  takenBeforeRenumbering,
} from '../db/queries/email-messages.js';
import type { Logger } from '../logger.js';
import { type IncomingEmail, type MessagePlace, parseIncoming } from './incoming.js';

/** What the callback may tell about a message: the lead it became, or why it was ignored. */
export type OnMessageResult = { leadId?: string | null; ignored?: string | null } | undefined;

/**
 * Receives each new message once it is read. Called again with the same `place` when the process
 * stopped between the callback and the record of the message (at-least-once): make it idempotent,
 * best by recording the place itself with `recordEmailMessage` (db/queries/email-messages) in the
 * same transaction as the lead (the reader's own record is then a no-op).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a plain `async (msg) => { … }` must fit
export type OnMessage = (msg: IncomingEmail) => Promise<OnMessageResult | void>;

/** A callback failing this many times in a row for one message: the message is set aside. */
const MAX_DELIVERY_ATTEMPTS = 5;

/** The callback (the lead's side) failed: not the mail server's fault. */
export class DeliveryError extends Error {}

/**
 * The bookkeeping of one mailbox's messages: each is fetched, parsed and handed to the callback
 * once, then recorded in `email_messages` with what became of it. A message already recorded
 * (also under an earlier UIDVALIDITY) is skipped; one the callback keeps failing on is set aside
 * after MAX_DELIVERY_ATTEMPTS, so it cannot hold up the mailbox for good.
 */
export class MessageTaker {
  readonly #deliveryFailures = new Map<string, number>();

  constructor(private readonly o: { db: Db; log: Logger; onMessage: OnMessage; maxMessageBytes: number }) {}

  /** Throws DeliveryError when the callback failed and the message is to be tried again. */
  async take(
    client: ImapFlow,
    place: MessagePlace,
    info: { receivedAt: Date | null; size: number },
  ): Promise<void> {
    const { db, log } = this.o;
    if (await findEmailMessage(db, place)) return;

    const max = this.o.maxMessageBytes;
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
      log.warn({ err, uid: place.uid, folder: place.folder }, 'message cannot be parsed: skipped');
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

    const result = await this.#deliver(msg, place);
    const leadId = result?.leadId ?? null;
    await recordEmailMessage(db, place, {
      messageId: msg.messageId,
      leadId,
      ignored: result?.ignored ?? (leadId ? null : msg.autoReason),
    });
  }

  /** The callback's answer; after too many failures in a row, the message set aside. */
  async #deliver(msg: IncomingEmail, place: MessagePlace): Promise<OnMessageResult> {
    const key = `${place.folder}\n${place.uidValidity}\n${place.uid}`;
    try {
      const result = (await this.o.onMessage(msg)) ?? undefined;
      this.#deliveryFailures.delete(key);
      return result;
    } catch (err) {
      const attempts = (this.#deliveryFailures.get(key) ?? 0) + 1;
      this.#deliveryFailures.set(key, attempts);
      if (attempts < MAX_DELIVERY_ATTEMPTS) {
        throw new DeliveryError(
          `Saving message UID ${place.uid} in ${place.folder} failed: ${errorText(err)}`,
        );
      }
      // A message that keeps failing must not hold up the mailbox for good.
      this.o.log.error(
        { err, uid: place.uid, folder: place.folder, attempts },
        'message set aside after repeated failures',
      );
      this.#deliveryFailures.delete(key);
      return { ignored: `failed ${attempts} times: ${errorText(err)}`.slice(0, 500) };
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
