import type { Db } from '../connection.js';

/** Where a message lives: unique, and the same each time the message is read. */
export interface MessagePlace {
  mailboxId: string;
  folder: string;
  uidValidity: number;
  uid: number;
}

/**
 * Records a message as taken: unique per mailbox, folder, UIDVALIDITY and UID, so a second
 * record of the same place is a no-op. Pass a Db on a transaction's client to record it
 * together with the lead.
 */
export async function recordEmailMessage(
  db: Db,
  place: MessagePlace,
  fields: { messageId: string | null; leadId?: string | null; ignored?: string | null },
): Promise<void> {
  await db
    .insertInto('email_messages')
    .values({
      mailbox_id: place.mailboxId,
      folder: place.folder,
      uid_validity: place.uidValidity,
      uid: place.uid,
      message_id: fields.messageId,
      lead_id: fields.leadId ?? null,
      ignored: fields.ignored ?? null,
    })
    .onConflict((oc) => oc.columns(['mailbox_id', 'folder', 'uid_validity', 'uid']).doNothing())
    .execute();
}

/** The record of the message at this place (what became of it); undefined when not taken yet. */
export function findEmailMessage(
  db: Db,
  place: MessagePlace,
): Promise<{ lead_id: string | null; ignored: string | null } | undefined> {
  return db
    .selectFrom('email_messages')
    .select(['lead_id', 'ignored'])
    .where('mailbox_id', '=', place.mailboxId)
    .where('folder', '=', place.folder)
    .where('uid_validity', '=', place.uidValidity)
    .where('uid', '=', place.uid)
    .executeTakeFirst();
}

/**
 * Whether a message with this Message-ID was taken from the folder under another UIDVALIDITY:
 * after a renumbering the same message comes back under a new UID.
 */
export async function takenBeforeRenumbering(
  db: Db,
  place: MessagePlace,
  messageId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('email_messages')
    .select('id')
    .where('mailbox_id', '=', place.mailboxId)
    .where('folder', '=', place.folder)
    .where('message_id', '=', messageId)
    .where('uid_validity', '<>', place.uidValidity)
    .executeTakeFirst();
  return row !== undefined;
}

/** The lead of the first message of the project's mailboxes among these Message-IDs (a thread), or null. */
export async function threadLead(db: Db, projectId: string, messageIds: string[]): Promise<string | null> {
  const row = await db
    .selectFrom('email_messages as m')
    .innerJoin('mailboxes as b', 'b.id', 'm.mailbox_id')
    .select('m.lead_id')
    .where('b.project_id', '=', projectId)
    .where('m.message_id', 'in', messageIds)
    .where('m.lead_id', 'is not', null)
    .orderBy('m.id')
    .executeTakeFirst();
  return row?.lead_id ?? null;
}
