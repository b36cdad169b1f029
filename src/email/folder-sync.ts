import type { ImapFlow } from 'imapflow';
import type { Db } from '../db/connection.js';
import {
  addFolderPosition,
  advanceFolderPosition,
  type FolderRef,
  findFolderPosition,
  type Mailbox,
  restartFolderPosition,
} from '../db/queries/mailboxes.js';
import type { Logger } from '../logger.js';
import type { MessageTaker } from './message-taker.js';

const DAY_MS = 86_400_000;
const META_SLICE = 500;

export interface FolderSync {
  db: Db;
  log: Logger;
  mailbox: Mailbox;
  taker: MessageTaker;
  /** true once the reader stops: the pass ends after the message in hand */
  stopping(): boolean;
}

/**
 * Reads the new part of one folder (read-only, by UID, from the mailbox's `since` on): each message
 * goes to the taker, and the folder's reading position moves past it. `opened` is called once the
 * folder is open, before anything is read.
 */
export async function syncFolder(
  s: FolderSync,
  client: ImapFlow,
  folder: string,
  opened?: () => void,
): Promise<void> {
  const m = s.mailbox;
  const box = await client.mailboxOpen(folder, { readOnly: true });
  opened?.();
  const uidValidity = Number(box.uidValidity);
  const at = { mailboxId: m.id, folder };
  const lastUid = await readingPosition(s, at, uidValidity);
  const advance = (uid: number) => advanceFolderPosition(s.db, at, uidValidity, uid);
  const topUid = box.uidNext - 1;
  if (box.exists === 0 || topUid <= lastUid) {
    if (topUid > lastUid) await advance(topUid);
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
      if (s.stopping()) return;
      const info = meta.get(uid);
      // Gone meanwhile, or before the start date (the margin above): skip.
      if (info && (!info.receivedAt || info.receivedAt >= m.since)) {
        await s.taker.take(client, { mailboxId: m.id, folder, uidValidity, uid }, info);
      }
      await advance(uid);
    }
  }
  // Everything below UIDNEXT at the time of opening has been looked at.
  if (!s.stopping() && topUid > lastUid) await advance(topUid);
}

/** The highest UID already looked at in the folder under this UIDVALIDITY (0: none). */
async function readingPosition(s: FolderSync, at: FolderRef, uidValidity: number): Promise<number> {
  const state = await findFolderPosition(s.db, at);
  if (!state) {
    await addFolderPosition(s.db, at, uidValidity);
    return 0;
  }
  if (Number(state.uid_validity) !== uidValidity) {
    // The server renumbered the folder: UIDs start over, from the start date again. Messages
    // already taken are recognised by their Message-ID (see MessageTaker).
    s.log.info(
      { folder: at.folder, was: state.uid_validity, now: uidValidity },
      'UIDVALIDITY changed: reading again',
    );
    await restartFolderPosition(s.db, at, uidValidity);
    return 0;
  }
  return Number(state.last_uid);
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
