import type { Db } from '../db/connection.js';
import { findEmailMessage, recordEmailMessage, threadLead } from '../db/queries/email-messages.js';
import { findEmailTracking } from '../db/queries/email-tracking.js';
import { findMailbox } from '../db/queries/mailboxes.js';
import { findLeadProject } from '../db/queries/projects.js';
import { normaliseEmail } from '../leads/contact.js';
import { createLead } from '../leads/create.js';
import { toLeadProject } from '../leads/project.js';
import { visitorForAlias } from './aliases.js';

/** What a read message brings (the mailbox reader's IncomingEmail fits it). */
export interface EmailForLead {
  place: { mailboxId: string; folder: string; uidValidity: number; uid: number };
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  deliveredTo: string[];
  subject: string | null;
  text: string;
  date: Date | null;
  /** when the mail server received it (IMAP INTERNALDATE): a clock we trust more than the sender's */
  receivedAt?: Date | null;
  autoReason: string | null;
}

/** A message dated in the future (a wrong clock) counts as received now. */
const when = (d: Date | null) => (d && d.getTime() <= Date.now() ? d : new Date());

/**
 * Turns one read message into an `email` lead, in one transaction with its record, so a message
 * re-read after a crash finds its record and changes nothing. Replies in a thread that already
 * made a lead are attached to that lead; auto-replies, bounces and lists are recorded as ignored.
 * The visitor is the one who saw the alias the message was sent to, at the time it was sent;
 * else createLead looks the sender up among contacts seen before.
 */
export async function leadFromEmail(
  db: Db,
  msg: EmailForLead,
): Promise<{ leadId: string | null; ignored: string | null }> {
  return db.transaction().execute(async (trx) => {
    const { place } = msg;
    const known = await findEmailMessage(trx, place);
    if (known) return { leadId: known.lead_id, ignored: known.ignored };

    const box = await findMailbox(trx, place.mailboxId);
    if (!box) return { leadId: null, ignored: 'mailbox removed' };
    const record = (leadId: string | null, ignored: string | null) =>
      recordEmailMessage(trx, place, { messageId: msg.messageId, leadId, ignored });

    const sender = normaliseEmail(msg.from?.address);
    const settings = await findEmailTracking(trx, box.project_id);
    const ours = new Set(
      [settings?.public_address, ...(settings?.pool_addresses ?? [])].filter((a): a is string => Boolean(a)),
    );
    const ignored =
      msg.autoReason ??
      (!sender ? 'no sender address' : null) ??
      (sender && (ours.has(sender) || sender === normaliseEmail(box.username))
        ? 'sent from the tracked address itself'
        : null);
    if (ignored) {
      await record(null, ignored);
      return { leadId: null, ignored };
    }

    // A reply in a thread that already made a lead belongs to that lead.
    const thread = [msg.inReplyTo, ...msg.references].filter((x): x is string => Boolean(x));
    if (thread.length > 0) {
      const earlier = await threadLead(trx, box.project_id, thread);
      if (earlier) {
        await record(earlier, null);
        return { leadId: earlier, ignored: null };
      }
    }

    const row = await findLeadProject(trx, { projectId: box.project_id });
    if (!row) return { leadId: null, ignored: 'project deleted' };
    const occurredAt = when(msg.date);
    const recipients = [...msg.deliveredTo, ...msg.to, ...msg.cc]
      .map((a) => normaliseEmail(a))
      .filter((a): a is string => Boolean(a));
    let visitorId: string | null = null;
    let mailbox: string | null = null;
    for (const address of recipients) {
      // Who held it when the server received the message, else when it was written, else now.
      for (const at of [msg.receivedAt, occurredAt, new Date()]) {
        if (!at || visitorId) continue;
        visitorId = await visitorForAlias(trx, box.project_id, address, at);
      }
      if (visitorId) {
        mailbox = address;
        break;
      }
    }
    mailbox ??=
      recipients.find((a) => ours.has(a)) ?? recipients[0] ?? normaliseEmail(box.username) ?? box.username;

    const { lead } = await createLead(trx, toLeadProject(row), {
      type: 'email',
      channel: 'email',
      email: sender,
      name: msg.from?.name || null,
      subject: msg.subject,
      message: msg.text.slice(0, 10_000),
      visitorId,
      occurredAt,
      mailbox,
      // The same message read twice (another folder, a reset UIDVALIDITY) is one lead.
      externalId: msg.messageId ? `email:${msg.messageId}` : null,
    });
    await record(lead.id, null);
    return { leadId: lead.id, ignored: null };
  });
}
