/**
 * Whether an incoming message was sent by a machine rather than a person: auto-replies (out of
 * office, "we got your message"), bounces and delivery reports, mailing lists and bulk mail. Such
 * messages must not become leads. Pure: it reads header values only.
 *
 * The answer is a short, readable reason (kept in `email_messages.ignored`), or null for a message
 * a person wrote.
 */

/** One header as it came: name in any case, value unfolded or not. */
export type HeaderPair = readonly [name: string, value: string];

const AUTO_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply']);
/** Local parts of addresses that only machines send from. */
const MACHINE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)$/i;

export function automaticReason(headers: readonly HeaderPair[], fromAddress: string | null): string | null {
  const get = (name: string): string[] => {
    const out: string[] = [];
    for (const [k, v] of headers) if (k.toLowerCase() === name) out.push(unfold(v));
    return out;
  };

  // Bounces and delivery/read reports first: they often carry Auto-Submitted too.
  for (const ct of get('content-type')) {
    const type = ct.split(';', 1)[0]?.trim().toLowerCase();
    if (type === 'multipart/report') {
      const report = /report-type\s*=\s*"?([\w-]+)/i.exec(ct)?.[1]?.toLowerCase();
      return `bounce (Content-Type: multipart/report${report ? `; report-type=${report}` : ''})`;
    }
  }
  const local = fromAddress?.split('@', 1)[0] ?? '';
  if (MACHINE_SENDERS.test(local)) return `bounce (sender ${fromAddress})`;
  if (get('x-failed-recipients').length) return 'bounce (X-Failed-Recipients)';

  for (const v of get('auto-submitted')) {
    const token = v.split(';', 1)[0]?.trim().toLowerCase() ?? '';
    if (token && token !== 'no') return `auto-reply (Auto-Submitted: ${token})`;
  }
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-reply']) {
    const v = get(name)[0];
    // "X-Autoreply: no" is not seen in the wild, but costs nothing to respect.
    if (v !== undefined && v.trim().toLowerCase() !== 'no') return `auto-reply (${headerName(name)})`;
  }
  for (const v of get('precedence')) {
    const p = v.trim().toLowerCase();
    if (AUTO_PRECEDENCE.has(p))
      return p === 'auto_reply' ? 'auto-reply (Precedence: auto_reply)' : `bulk (Precedence: ${p})`;
  }
  const listId = get('list-id')[0];
  if (listId !== undefined) return `mailing list (List-Id: ${clip(listId.trim())})`;
  if (get('list-unsubscribe').length) return 'mailing list (List-Unsubscribe)';
  return null;
}

function unfold(v: string): string {
  return v.replace(/\r?\n[ \t]+/g, ' ');
}

function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}
