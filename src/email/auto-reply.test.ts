import { describe, expect, it } from 'vitest';
import { automaticReason, type HeaderPair } from './auto-reply.js';

const person: HeaderPair[] = [
  ['From', 'Иван <ivan@example.ru>'],
  ['To', 'info@shop.ru'],
  ['Subject', 'Хочу заказать'],
  ['Content-Type', 'text/plain; charset=utf-8'],
];

describe('automaticReason', () => {
  it('a message a person wrote is not automatic', () => {
    expect(automaticReason(person, 'ivan@example.ru')).toBeNull();
    expect(automaticReason([...person, ['Auto-Submitted', 'no']], 'ivan@example.ru')).toBeNull();
    expect(automaticReason([...person, ['Precedence', 'first-class']], 'ivan@example.ru')).toBeNull();
    expect(automaticReason([], null)).toBeNull();
  });

  it('auto-replies: Auto-Submitted other than no, X-Autoreply, X-Autorespond, Precedence auto_reply', () => {
    expect(automaticReason([...person, ['Auto-Submitted', 'auto-replied']], 'ivan@example.ru')).toBe(
      'auto-reply (Auto-Submitted: auto-replied)',
    );
    expect(automaticReason([['auto-submitted', 'Auto-Generated; owner-email="x@y"']], null)).toBe(
      'auto-reply (Auto-Submitted: auto-generated)',
    );
    expect(automaticReason([['X-Autoreply', 'yes']], 'a@b.ru')).toBe('auto-reply (X-Autoreply)');
    expect(automaticReason([['x-autorespond', 'Out of office']], 'a@b.ru')).toBe(
      'auto-reply (X-Autorespond)',
    );
    expect(automaticReason([['Precedence', 'auto_reply']], 'a@b.ru')).toBe(
      'auto-reply (Precedence: auto_reply)',
    );
  });

  it('bulk and mailing lists: Precedence bulk/junk/list, List-Id, List-Unsubscribe', () => {
    expect(automaticReason([['Precedence', ' Bulk ']], 'news@shop.ru')).toBe('bulk (Precedence: bulk)');
    expect(automaticReason([['Precedence', 'junk']], 'x@y.ru')).toBe('bulk (Precedence: junk)');
    expect(automaticReason([['Precedence', 'list']], 'x@y.ru')).toBe('bulk (Precedence: list)');
    expect(automaticReason([['List-Id', 'Клуб <club.lists.example.ru>']], 'x@y.ru')).toBe(
      'mailing list (List-Id: Клуб <club.lists.example.ru>)',
    );
    expect(automaticReason([['List-Unsubscribe', '<mailto:unsub@x.ru>']], 'x@y.ru')).toBe(
      'mailing list (List-Unsubscribe)',
    );
  });

  it('bounces: multipart/report, MAILER-DAEMON / postmaster senders, X-Failed-Recipients', () => {
    expect(
      automaticReason(
        [['Content-Type', 'multipart/report;\r\n\treport-type=delivery-status; boundary="b"']],
        'someone@x.ru',
      ),
    ).toBe('bounce (Content-Type: multipart/report; report-type=delivery-status)');
    expect(automaticReason([], 'MAILER-DAEMON@mx.example.ru')).toBe(
      'bounce (sender MAILER-DAEMON@mx.example.ru)',
    );
    expect(automaticReason([], 'postmaster@example.ru')).toBe('bounce (sender postmaster@example.ru)');
    expect(automaticReason([['X-Failed-Recipients', 'a@b.ru']], 'x@y.ru')).toBe(
      'bounce (X-Failed-Recipients)',
    );
    // A bounce usually carries Auto-Submitted too: it is called a bounce.
    expect(
      automaticReason(
        [
          ['Auto-Submitted', 'auto-replied'],
          ['Content-Type', 'multipart/report; report-type=delivery-status'],
        ],
        'mailer-daemon@x.ru',
      ),
    ).toMatch(/^bounce/);
  });
});
