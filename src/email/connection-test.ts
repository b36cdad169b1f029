import type { Db } from '../db/connection.js';
import { findMailbox } from '../db/queries/mailboxes.js';
import { type AddressGuard, isAddressRefused } from '../delivery/address-guard.js';
import type { Sealer } from '../security/sealed.js';
import { testMailboxConnection } from './imap-session.js';
import type { MailboxBody } from './settings.js';
import type { SettingsRefusal } from './settings-store.js';

export type ConnectionTestResult =
  | { ok: true; folders: string[] }
  | { ok: false; message: string }
  /** the host refused by the address guard (before or when connecting), or no password to try */
  | { ok: false; refusal: SettingsRefusal };

const hostRefused: ConnectionTestResult = { ok: false, refusal: { refusedHosts: ['body.host'] } };

/**
 * The settings form's "test connection": logs in with the given settings and checks the folders.
 * Without a password, a saved mailbox's (`mailboxId`) is used, but only for the host and user it
 * was saved for: otherwise it could be sent to a server of the caller's choosing.
 */
export async function testMailboxSettings(
  db: Db,
  deps: { guard: AddressGuard; sealer: Sealer },
  projectId: string,
  b: MailboxBody & { mailboxId?: string | undefined },
): Promise<ConnectionTestResult> {
  try {
    await deps.guard.checkHost(b.host);
  } catch (err) {
    if (isAddressRefused(err)) return hostRefused;
    throw err;
  }
  let password = b.password;
  if (!password && b.mailboxId) {
    const saved = await findMailbox(db, b.mailboxId, projectId);
    if (saved && saved.host === b.host && saved.username === b.user)
      password = deps.sealer.open(saved.password_enc);
  }
  // no password given, and none stored for this host and user
  if (!password)
    return { ok: false, refusal: { problems: [{ path: 'body.password', message: 'required' }] } };
  const r = await testMailboxConnection(
    { host: b.host, port: b.port, tls: b.tls, user: b.user, password, folders: b.folders },
    { guard: deps.guard, timeoutMs: 15_000 },
  );
  // Refused when connecting (the name resolves elsewhere now): the same answer as before.
  if (!r.ok && r.refused) return hostRefused;
  return r.ok ? r : { ok: false, message: r.message };
}
