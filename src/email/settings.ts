import { z } from 'zod';
import { NO_NUL_MESSAGE, noNul } from '../accounts/fields.js';
import { normaliseEmail } from '../leads/contact.js';

export const MAILBOX_PASSWORD_PURPOSE = 'mailbox-password';

const address = z
  .string()
  .trim()
  .max(254)
  .refine(noNul, NO_NUL_MESSAGE)
  .transform((s, ctx) => {
    const e = normaliseEmail(s);
    if (!e) {
      ctx.addIssue({ code: 'custom', message: 'must be an e-mail address such as info@shop.ru' });
      return z.NEVER;
    }
    return e;
  });

const folder = z.string().trim().min(1).max(200).refine(noNul, NO_NUL_MESSAGE);

export const mailboxBody = z.strictObject({
  host: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9.:[\]-]+$/, 'must be a host name or an IP address'),
  port: z.number().int().min(1).max(65535).default(993),
  tls: z.boolean().default(true),
  user: z.string().trim().min(1).max(320).refine(noNul, NO_NUL_MESSAGE),
  /** write-only; left out when saving again keeps the stored one */
  password: z.string().min(1).max(1024).refine(noNul, NO_NUL_MESSAGE).optional(),
  folders: z
    .array(folder)
    .min(1)
    .max(20)
    .transform((f) => [...new Set(f)])
    .default(['INBOX']),
  /** only messages from this time on are read; default: now (never the whole history unasked) */
  since: z.iso.datetime({ offset: true }).optional(),
});
export type MailboxBody = z.infer<typeof mailboxBody>;

/** A connection test; without `password`, the stored one of `mailboxId` is used (same host and user only). */
export const mailboxTestBody = mailboxBody.extend({ mailboxId: z.uuid().optional() });

/** `message`: the IMAP server's own words on failure. */
export const mailboxTestJson = z.object({ ok: z.boolean(), message: z.string() });

export const emailTrackingBody = z.strictObject({
  publicAddress: address,
  aliases: z.discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('plus') }),
    z.strictObject({
      mode: z.literal('pool'),
      addresses: z
        .array(address)
        .min(1)
        .max(500)
        .transform((a) => [...new Set(a)]),
      holdMinutes: z.number().int().min(1).max(10_080).default(30),
    }),
  ]),
  mailboxes: z.array(mailboxBody).max(20).default([]),
});
export type EmailTrackingBody = z.infer<typeof emailTrackingBody>;

export const mailboxJson = z.object({
  id: z.string(),
  host: z.string(),
  port: z.number(),
  tls: z.boolean(),
  user: z.string(),
  folders: z.array(z.string()),
  since: z.string(),
  status: z.enum(['pending', 'connected', 'error']),
  statusMessage: z.string().nullable(),
  lastUid: z.number().nullable(),
  lastSyncAt: z.string().nullable(),
});

export const emailTrackingJson = z.object({
  configured: z.boolean(),
  publicAddress: z.string().nullable(),
  aliases: z.union([
    z.object({ mode: z.literal('plus') }),
    z.object({ mode: z.literal('pool'), addresses: z.array(z.string()), holdMinutes: z.number() }),
  ]),
  mailboxes: z.array(mailboxJson),
});
