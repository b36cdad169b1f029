import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/mailer/transport.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp({ user: 'leadtrail', pass: 'right-password' });
});
afterAll(() => smtp?.close());

function capturingLogger(): { logger: pino.Logger; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => out };
}

const letter = { to: 'someone@example.ru', subject: 'Тема', text: 'текст', html: '<p>текст</p>' };

describe('mailer', () => {
  it('sends through SMTP_URL with its credentials and SMTP_FROM', async () => {
    const { logger } = capturingLogger();
    const mailer = createMailer({ url: smtp.url, from: 'Leadtrail <noreply@[127.0.0.1]>' }, logger);
    try {
      expect(await mailer.send(letter, 'test')).toBe(true);
      const got = await smtp.next('someone@example.ru');
      expect(got.mail.from?.value[0]?.address).toBe('noreply@[127.0.0.1]');
      expect(got.mail.subject).toBe('Тема');
    } finally {
      mailer.close();
    }
  });

  it('reports a refused login as false and logs it without the password or the recipient', async () => {
    const { logger, text } = capturingLogger();
    const url = smtp.url.replace('right-password', 'wrong-secret-password');
    const mailer = createMailer({ url, from: 'Leadtrail <noreply@example.ru>' }, logger);
    try {
      expect(await mailer.send(letter, 'password-reset')).toBe(false);
    } finally {
      mailer.close();
    }
    expect(text()).toContain('e-mail could not be sent');
    expect(text()).toContain('EAUTH');
    expect(text()).not.toContain('wrong-secret-password');
    expect(text()).not.toContain('someone@example.ru');
  });
});
