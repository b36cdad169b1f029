import type { ConnectionOptions } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { type AddressGuard, isAddressRefused } from '../delivery/address-guard.js';
import { describeImapError } from './imap-errors.js';

// An IMAP session: the connection made through the address guard, closed politely; tried once for
// the settings form.

export interface MailboxConnectionSettings {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  folders?: string[];
}

export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * Connects once and reports what the server said: for the settings form's "test connection".
 * Checks that the folders exist. Never throws; the message never contains the password.
 * `refused`: the guard refused the host (the message is then the guard's one generic text).
 */
export async function testMailboxConnection(
  settings: MailboxConnectionSettings,
  extra: { guard: AddressGuard; tls?: ConnectionOptions; timeoutMs?: number },
): Promise<{ ok: true; folders: string[] } | { ok: false; message: string; refused?: true }> {
  const client = imapClient(settings, {
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
    await closeImapClient(client);
  }
}

/** The host's IP literal must pass `guard.checkLiteral` first: Node connects to one without a lookup. */
export function imapClient(
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

/** Logs out (3 s at most) and closes. */
export async function closeImapClient(client: ImapFlow): Promise<void> {
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

/** The server refused a command (NO or BAD), as opposed to a broken connection. */
export function isServerAnswer(err: unknown): boolean {
  const s = (err as { responseStatus?: unknown } | null)?.responseStatus;
  return s === 'NO' || s === 'BAD';
}
