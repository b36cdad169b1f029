import { ADDRESS_REFUSED_TEXT, isAddressRefused } from '../delivery/address-guard.js';

/**
 * A readable status line for why reading a mailbox failed: the server's own words when it
 * answered (a refused login, a missing folder), else what the socket or TLS layer said. Never
 * contains the password.
 */

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  responseText?: unknown;
  responseStatus?: unknown;
  serverResponseCode?: unknown;
  authenticationFailed?: unknown;
  reason?: unknown;
  cause?: unknown;
}

export interface ErrorContext {
  host: string;
  port: number;
  tls: boolean;
  /** removed from the text should any layer ever echo it */
  password?: string;
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function describeImapError(error: unknown, ctx: ErrorContext): string {
  const text = describe(error, ctx).replace(/\s+/g, ' ').trim();
  const clean = ctx.password && ctx.password.length >= 3 ? text.split(ctx.password).join('***') : text;
  return clean.length > 500 ? `${clean.slice(0, 499)}…` : clean;
}

function describe(error: unknown, { host, port, tls }: ErrorContext): string {
  // A refused host gets the guard's one text, never what the socket said (open or closed port).
  if (isAddressRefused(error)) return ADDRESS_REFUSED_TEXT;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  // Dovecot appends its timings, "(0.001 + 0.000 secs).": not words, and different each time.
  const serverText =
    typeof e.responseText === 'string' && e.responseText.trim()
      ? e.responseText.replace(/\s*\([\d.]+( \+ [\d.]+)* secs\)/, '').trim()
      : null;
  const serverCode = typeof e.serverResponseCode === 'string' ? e.serverResponseCode : null;
  const where = `${host}:${port}`;

  if (e.authenticationFailed) {
    return `Login refused by the server: ${serverText ?? message}${serverCode && !serverText?.includes(serverCode) ? ` [${serverCode}]` : ''}`;
  }
  if (serverText) return `The server answered: ${serverText}`;

  switch (code) {
    case 'ECONNREFUSED':
      return `Connection refused by ${where} (nothing listens on that port)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
      return `Host ${host} not found (DNS: ${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Host ${host} is unreachable (${code})`;
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return `No answer from ${where}: connection timed out`;
    case 'ECONNRESET':
      return `The connection to ${where} was reset${tls ? ' (is this a TLS port?)' : ''}`;
    case 'GREETING_TIMEOUT':
      return tls
        ? `${where} sent no IMAP greeting over TLS in time`
        : `${where} accepted the connection but sent no IMAP greeting: is this a TLS port (turn TLS on, usually port 993)?`;
    case 'ClosedAfterConnectText':
    case 'ClosedAfterConnectTLS':
    case 'EConnectionClosed':
    case 'NoConnection':
      return `${where} closed the connection${message && message !== 'Unexpected close' ? `: ${message}` : ''}`;
    case 'ETIMEOUT':
      return `${where} stopped answering (socket timeout)`;
  }
  if (CERT_CODES.has(code)) return `The server's TLS certificate is not trusted: ${message} (${code})`;
  if (
    code.startsWith('ERR_SSL_') ||
    /wrong version number|ssl3_get_record|packet length too long/i.test(message)
  ) {
    const reason =
      (typeof e.reason === 'string' && e.reason) ||
      /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ||
      code
        .replace(/^ERR_SSL_/, '')
        .replace(/_/g, ' ')
        .toLowerCase();
    return `TLS handshake with ${where} failed (${reason.trim()}): the port may be plain IMAP, turn TLS off or use port 993`;
  }
  return message || code || 'unknown error';
}
