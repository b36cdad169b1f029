import { describe, expect, it } from 'vitest';
import { messageIds, parseIncoming } from './incoming.js';

const place = { mailboxId: '00000000-0000-0000-0000-000000000001', folder: 'INBOX', uidValidity: 7, uid: 3 };

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('parseIncoming', () => {
  it('UTF-8 with encoded words: sender, subject, recipients, thread headers', async () => {
    const msg = await parseIncoming(
      crlf([
        'From: =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <Ivan@Example.RU>',
        'To: "Магазин" <info+k7f3@shop.ru>, other@shop.ru',
        'Cc: boss@example.ru',
        'Delivered-To: info+k7f3@shop.ru',
        'X-Original-To: a1@shop.ru',
        'Delivered-To: info@shop.ru',
        'Subject: =?UTF-8?B?0KXQvtGH0YMg0LfQsNC60LDQt9Cw0YLRjA==?=',
        'Message-ID: <m1@example.ru>',
        'In-Reply-To: <lead-1@shop.ru>',
        'References: <lead-0@shop.ru> <lead-1@shop.ru>',
        'Date: Mon, 24 Nov 2025 10:00:00 +0300',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Здравствуйте! Сколько стоит доставка?',
        '',
        '24.11.2025 09:00, Магазин пишет:',
        '> Добрый день',
        '',
      ]),
      place,
    );
    expect(msg).toMatchObject({
      place,
      messageId: '<m1@example.ru>',
      inReplyTo: '<lead-1@shop.ru>',
      references: ['<lead-0@shop.ru>', '<lead-1@shop.ru>'],
      from: { address: 'ivan@example.ru', name: 'Иван Петров' },
      to: ['info+k7f3@shop.ru', 'other@shop.ru'],
      cc: ['boss@example.ru'],
      deliveredTo: ['info+k7f3@shop.ru', 'a1@shop.ru', 'info@shop.ru'],
      subject: 'Хочу заказать',
      text: 'Здравствуйте! Сколько стоит доставка?',
      autoReason: null,
      truncated: false,
    });
    expect(msg.fullText).toContain('> Добрый день');
    expect(msg.date?.toISOString()).toBe('2025-11-24T07:00:00.000Z');
  });

  it('KOI8-R, quoted-printable body and subject', async () => {
    const koi = (s: string) => Buffer.from([...s].map(koi8r));
    const qp = (buf: Buffer) =>
      [...buf].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const msg = await parseIncoming(
      crlf([
        'From: client@example.ru',
        'To: info@shop.ru',
        `Subject: =?KOI8-R?Q?${qp(koi('Заявка'))}?=`,
        'Content-Type: text/plain; charset=koi8-r',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        `${qp(koi('Привет, мир'))}`,
        '',
      ]),
      place,
    );
    expect(msg.subject).toBe('Заявка');
    expect(msg.text).toBe('Привет, мир');
  });

  it('HTML only: converted to text, the Gmail quote cut', async () => {
    const msg = await parseIncoming(
      crlf([
        'From: a@example.ru',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<div dir="ltr">Нужен <b>счёт</b> на&nbsp;оплату</div><br>',
        '<div class="gmail_quote"><div>пн, 24 нояб. 2025 г. в 10:00, Магазин &lt;info@shop.ru&gt;:</div>',
        '<blockquote class="gmail_quote">Что-то ещё?</blockquote></div>',
      ]),
      place,
    );
    expect(msg.text).toBe('Нужен счёт на оплату');
    expect(msg.messageId).toBeNull();
    expect(msg.from).toEqual({ address: 'a@example.ru', name: '' });
  });

  it('a delivery report is marked as a bounce', async () => {
    const msg = await parseIncoming(
      crlf([
        'From: Mail Delivery System <MAILER-DAEMON@mx.shop.ru>',
        'To: info@shop.ru',
        'Subject: Undelivered Mail Returned to Sender',
        'Auto-Submitted: auto-replied',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'I am sorry to have to inform you...',
        '--b1--',
        '',
      ]),
      place,
    );
    expect(msg.autoReason).toBe('bounce (Content-Type: multipart/report; report-type=delivery-status)');
  });

  it('messageIds: bracketed, bare, empty', () => {
    expect(messageIds('<a@b> <c@d>')).toEqual(['<a@b>', '<c@d>']);
    expect(messageIds(' a@b ')).toEqual(['<a@b>']);
    expect(messageIds('')).toEqual([]);
    expect(messageIds(undefined)).toEqual([]);
  });
});

/** KOI8-R byte of a Cyrillic letter or ASCII character (enough for these tests). */
function koi8r(ch: string): number {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code;
  const lower = 'юабцдефгхийклмнопярстужвьызшэщчъ';
  const upper = 'ЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ';
  const i = lower.indexOf(ch);
  if (i >= 0) return 0xc0 + i;
  const j = upper.indexOf(ch);
  if (j >= 0) return 0xe0 + j;
  throw new Error(`no KOI8-R for ${ch}`);
}
