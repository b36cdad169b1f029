import { describe, expect, it } from 'vitest';
import { describeImapError } from './imap-errors.js';

describe('describeImapError', () => {
  const ctx = { host: 'imap.shop.ru', port: 993, tls: true, password: 's3cret-pass' };
  it('keeps the server words, never the password', () => {
    expect(
      describeImapError(
        Object.assign(new Error('Command failed'), {
          authenticationFailed: true,
          responseText: 'Authentication failed.',
          serverResponseCode: 'AUTHENTICATIONFAILED',
        }),
        ctx,
      ),
    ).toBe('Login refused by the server: Authentication failed. [AUTHENTICATIONFAILED]');
    expect(describeImapError(new Error('bad s3cret-pass here'), ctx)).toBe('bad *** here');
  });
  it('socket errors in plain words', () => {
    expect(describeImapError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), ctx)).toBe(
      'Connection refused by imap.shop.ru:993 (nothing listens on that port)',
    );
    expect(describeImapError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), ctx)).toBe(
      'Host imap.shop.ru not found (DNS: ENOTFOUND)',
    );
  });
});
