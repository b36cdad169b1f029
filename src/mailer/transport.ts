import nodemailer from 'nodemailer';
import type { Logger } from '../logger.js';

/** One e-mail: plain text for every client, simple HTML for those that show it. */
export interface Letter {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** false when SMTP_URL is not set: nothing is sent, links are given by hand */
  readonly enabled: boolean;
  /**
   * Sends and says whether the server took it. Never throws: a failure is logged (without the
   * SMTP URL, its password or the recipient) and reported as false.
   */
  send(letter: Letter, kind: string): Promise<boolean>;
  close(): void;
}

const disabled: Mailer = { enabled: false, send: async () => false, close: () => undefined };

/** The e-mail sender over SMTP_URL (`smtp://` with STARTTLS when offered, `smtps://` TLS from the start). */
export function createMailer(smtp: { url: string | undefined; from: string }, logger: Logger): Mailer {
  if (!smtp.url) return disabled;
  const transport = nodemailer.createTransport(
    {
      url: smtp.url,
      // A person waits on the invitation form: fail in seconds, not nodemailer's default minutes.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      logger: false,
    },
    { from: smtp.from },
  );
  return {
    enabled: true,
    async send(letter, kind) {
      try {
        await transport.sendMail(letter);
        logger.info({ kind }, 'e-mail sent');
        return true;
      } catch (err) {
        const e = err as { code?: unknown; responseCode?: unknown; command?: unknown };
        logger.warn(
          { kind, code: e.code, responseCode: e.responseCode, command: e.command },
          'e-mail could not be sent',
        );
        return false;
      }
    },
    close: () => transport.close(),
  };
}
