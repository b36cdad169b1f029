import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/connection.js';
import { createAddressGuard } from '../../src/delivery/address-guard.js';
import { MAILBOX_PASSWORD_PURPOSE, type Mailbox } from '../../src/email/mailbox-reader.js';
import { createLogger } from '../../src/logger.js';
import { Sealer } from '../../src/security/sealed.js';
import { insertProjectRow } from '../helpers/db.js';

/** Dovecot listens on loopback: the guard as with ALLOW_CUSTOM_INTEGRATION_HOSTS=true. */
export const loopbackGuard = createAddressGuard({ allowPrivate: true });
export const SECRET_KEY = 'test-secret-key-test-secret-key-0123456789';
export const sealer = new Sealer(SECRET_KEY, MAILBOX_PASSWORD_PURPOSE);
export const logger = createLogger({ logLevel: (process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent' });

/** An account and a project to hang mailboxes on. */
export async function createProject(db: Db): Promise<string> {
  const account = await db
    .insertInto('accounts')
    .values({ name: 'ООО «Ромашка»' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return insertProjectRow(db, account.id);
}

export async function addMailbox(
  db: Db,
  projectId: string,
  m: {
    host: string;
    port: number;
    tls?: boolean;
    user: string;
    password: string;
    folders?: string[];
    since?: Date;
  },
): Promise<Mailbox> {
  return db
    .insertInto('mailboxes')
    .values({
      project_id: projectId,
      host: m.host,
      port: m.port,
      tls: m.tls ?? false,
      username: m.user,
      password_enc: sealer.seal(m.password),
      folders: m.folders ?? ['INBOX'],
      since: m.since ?? new Date(Date.now() - 3_600_000),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function mailboxRow(db: Db, id: string): Promise<Mailbox> {
  return db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

let counter = 0;

/** A plain-text UTF-8 message (subject as an encoded word), CRLF line ends. */
export function mail(
  o: {
    from?: string;
    to?: string;
    subject?: string;
    body?: string;
    messageId?: string | null;
    date?: Date;
    headers?: string[];
  } = {},
): string {
  const n = ++counter;
  const subject = o.subject ?? `Заявка №${n}`;
  const lines = [
    `From: ${o.from ?? 'Клиент <client@example.ru>'}`,
    `To: ${o.to ?? 'leads@shop.test'}`,
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    ...(o.messageId === null
      ? []
      : [`Message-ID: ${o.messageId ?? `<m${n}.${randomBytes(4).toString('hex')}@example.ru>`}`]),
    `Date: ${(o.date ?? new Date()).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...(o.headers ?? []),
    '',
    o.body ?? `Здравствуйте! Это письмо номер ${n}.`,
    '',
  ];
  return lines.join('\r\n');
}
