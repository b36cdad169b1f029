import type { Db } from '../db/connection.js';
import { type EmailTracking, findEmailTracking, saveEmailTracking } from '../db/queries/email-tracking.js';
import {
  deleteMailboxes,
  insertMailbox,
  lastUidsOf,
  listProjectMailboxes,
  type Mailbox,
  updateMailbox,
} from '../db/queries/mailboxes.js';
import { type AddressGuard, isAddressRefused } from '../delivery/address-guard.js';
import type { Sealer } from '../security/sealed.js';
import { notifyMailboxesChanged } from './pollers.js';
import type { EmailTrackingBody, MailboxBody } from './settings.js';

/** A project's e-mail tracking as stored: the settings (undefined: none) and its mailboxes, oldest first. */
export interface StoredEmailSettings {
  tracking: EmailTracking | undefined;
  /** each with the highest UID read in any of its folders (null: nothing read yet) */
  mailboxes: Array<Mailbox & { lastUid: number | null }>;
}

export async function loadEmailSettings(db: Db, projectId: string): Promise<StoredEmailSettings> {
  const tracking = await findEmailTracking(db, projectId);
  const boxes = await listProjectMailboxes(db, projectId);
  const lastUids = await lastUidsOf(
    db,
    boxes.map((b) => b.id),
  );
  return {
    tracking,
    mailboxes: boxes.map((b) => ({
      ...b,
      lastUid: lastUids.find((u) => u.mailbox_id === b.id)?.last_uid ?? null,
    })),
  };
}

/** Why settings were not saved (or tried): paths into the request body. */
export type SettingsRefusal =
  /** hosts the address guard refuses */
  | { refusedHosts: string[] }
  /** fields missing (a mailbox without a password, none stored) */
  | { problems: Array<{ path: string; message: string }> };

/**
 * Saves a project's e-mail tracking: the public address and aliases, and its mailboxes diffed
 * against the stored ones by host and user (kept, changed, added, removed). Passwords are sealed;
 * left out for a kept mailbox, the stored one stays. A mailbox whose connection changed goes back
 * to `pending` (tried again) but keeps its reading position. Every process's pollers hear of it
 * on commit. Nothing is saved when a host is refused or a new mailbox has no password.
 */
export async function saveEmailSettings(
  db: Db,
  deps: { guard: AddressGuard; sealer: Sealer },
  projectId: string,
  b: EmailTrackingBody,
): Promise<SettingsRefusal | null> {
  const existing = await listProjectMailboxes(db, projectId);
  const problems: Array<{ path: string; message: string }> = [];
  const refusedHosts: string[] = [];
  const plan: Array<{ m: MailboxBody; same: Mailbox | undefined }> = [];
  for (const [i, m] of b.mailboxes.entries()) {
    const same = existing.find((e) => e.host === m.host && e.username === m.user);
    if (!m.password && !same)
      problems.push({ path: `body.mailboxes.${i}.password`, message: 'required for a new mailbox' });
    await deps.guard.checkHost(m.host).catch((err: unknown) => {
      if (!isAddressRefused(err)) throw err;
      refusedHosts.push(`body.mailboxes.${i}.host`);
    });
    plan.push({ m, same });
  }
  if (refusedHosts.length > 0) return { refusedHosts };
  if (problems.length > 0) return { problems };

  await db.transaction().execute(async (trx) => {
    await saveEmailTracking(trx, projectId, {
      public_address: b.publicAddress,
      alias_mode: b.aliases.mode,
      pool_addresses: b.aliases.mode === 'pool' ? b.aliases.addresses : [],
      hold_minutes: b.aliases.mode === 'pool' ? b.aliases.holdMinutes : 30,
      updated_at: new Date(),
    });
    const kept = new Set<string>();
    for (const { m, same } of plan) {
      const fields = {
        host: m.host,
        port: m.port,
        tls: m.tls,
        username: m.user,
        folders: m.folders,
        ...(m.password ? { password_enc: deps.sealer.seal(m.password) } : {}),
        ...(m.since ? { since: new Date(m.since) } : {}),
        // A changed connection is tried again; its reading position stays.
        ...(!same ||
        m.password ||
        same.port !== m.port ||
        same.tls !== m.tls ||
        same.folders.join('\n') !== m.folders.join('\n')
          ? { status: 'pending' as const, status_message: null }
          : {}),
        updated_at: new Date(),
      };
      if (same) {
        await updateMailbox(trx, same.id, fields);
        kept.add(same.id);
      } else {
        await insertMailbox(trx, {
          project_id: projectId,
          ...fields,
          password_enc: deps.sealer.seal(m.password ?? ''),
          since: m.since ? new Date(m.since) : new Date(),
        });
      }
    }
    await deleteMailboxes(
      trx,
      existing.filter((e) => !kept.has(e.id)).map((e) => e.id),
    );
    // Pollers in the worker pick the change up at once (NOTIFY is sent on commit).
    await notifyMailboxesChanged(trx);
  });
  return null;
}
