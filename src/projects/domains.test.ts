import { describe, expect, it } from 'vitest';
import { domainsField, hostMatches, normaliseDomain } from './domains.js';

describe('normaliseDomain', () => {
  it.each([
    // what people paste from the address bar
    ['https://www.Shop.ru/contacts', 'shop.ru'],
    ['http://shop.ru', 'shop.ru'],
    ['https://shop.ru:8443/catalog?utm_source=yandex#top', 'shop.ru'],
    ['http://user:secret@shop.ru/', 'shop.ru'],
    ['shop.ru/contacts', 'shop.ru'],
    ['shop.ru?q=1', 'shop.ru'],
    ['shop.ru#price', 'shop.ru'],
    ['  SHOP.RU  ', 'shop.ru'],
    // www and wildcards mean the site itself
    ['www.shop.ru', 'shop.ru'],
    ['*.shop.ru', 'shop.ru'],
    ['WWW.Shop.Ru', 'shop.ru'],
    // …unless www is the site's own name
    ['www.ru', 'www.ru'],
    ['https://WWW.RU/', 'www.ru'],
    // subdomains stay as they are
    ['msk.shop.ru', 'msk.shop.ru'],
    ['lk.bank-vostok.ru', 'lk.bank-vostok.ru'],
    // ports are dropped
    ['shop.ru:8080', 'shop.ru'],
    // one trailing dot (the DNS root) is dropped
    ['shop.ru.', 'shop.ru'],
    ['https://shop.ru./', 'shop.ru'],
    // IDN: to punycode, in either letter case, also under a scheme
    ['магазин.рф', 'xn--80aairftm.xn--p1ai'],
    ['МАГАЗИН.РФ', 'xn--80aairftm.xn--p1ai'],
    ['https://www.магазин.рф/контакты', 'xn--80aairftm.xn--p1ai'],
    ['спб.магазин.рф', 'xn--90a1af.xn--80aairftm.xn--p1ai'],
    ['xn--80aairftm.xn--p1ai', 'xn--80aairftm.xn--p1ai'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    // IPv4 and localhost are kept for test stands
    ['192.168.0.10', '192.168.0.10'],
    ['10.0.0.1:3000', '10.0.0.1'],
    ['http://127.0.0.1:8080/landing', '127.0.0.1'],
    ['localhost', 'localhost'],
    ['localhost:5173', 'localhost'],
    ['http://localhost:3000/', 'localhost'],
    // label length limit: 63 is fine
    [`${'a'.repeat(63)}.ru`, `${'a'.repeat(63)}.ru`],
    ['a1-b2.ru', 'a1-b2.ru'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseDomain(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['shop'], // a single label is no site
    ['ru'],
    ['https://'],
    ['shop .ru'],
    ['my_shop.ru'],
    ['user@shop.ru'],
    ['shop.ru:abc'],
    ['-shop.ru'], // label with a leading hyphen
    ['shop-.ru'], // and a trailing one
    ['msk.-shop.ru'],
    [`${'a'.repeat(64)}.ru`], // a 64-character label
    [`${`${'a'.repeat(60)}.`.repeat(5)}ru`], // over 253 characters in all
    ['shop..ru'],
    ['shop.ru..'],
    ['.shop.ru'],
    ['*.'],
    ['shop.123'], // a numeric top-level label
    ['256.1.1.1'], // not an IPv4 address
    ['1.2.3'],
    ['http://[::1]/'], // IPv6 is not supported
    ['xn--zz.ru'], // broken punycode (Node 24's URL parser takes it: the rule must not depend on it)
    ['xn--a.ru'],
    ['xn--.ru'],
    ['shop\u0000.ru'],
  ])('refuses %j', (input) => {
    expect(normaliseDomain(input)).toBeNull();
  });
});

describe('domainsField', () => {
  it('normalises every entry and folds duplicates, keeping the first order', () => {
    const r = domainsField.safeParse([
      'https://www.Shop.ru/contacts',
      'магазин.рф',
      'shop.ru',
      '*.shop.ru',
      'SHOP.RU.',
      'xn--80aairftm.xn--p1ai',
      'msk.shop.ru',
    ]);
    expect(r.success).toBe(true);
    expect(r.data).toEqual(['shop.ru', 'xn--80aairftm.xn--p1ai', 'msk.shop.ru']);
  });

  it('names a bad entry by its position', () => {
    const r = domainsField.safeParse(['shop.ru', 'не домен', 'магазин.рф']);
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    expect(r.error?.issues[0]?.path).toEqual([1]);
    expect(r.error?.issues[0]?.message).toContain('не домен');
  });

  it.each([
    ['an empty list', []],
    ['a string', 'shop.ru'],
    ['null', null],
    ['numbers', [42]],
    ['more than 50 domains', Array.from({ length: 51 }, (_, i) => `site${i}.ru`)],
    ['an entry over 300 characters', [`${'a'.repeat(300)}.ru`]],
  ])('refuses %s', (_label, value) => {
    expect(domainsField.safeParse(value).success).toBe(false);
  });
});

describe('hostMatches', () => {
  const domains = ['shop.ru', 'xn--80aairftm.xn--p1ai', 'localhost', '192.168.0.10'];

  it.each([
    ['shop.ru'],
    ['SHOP.RU'],
    ['shop.ru.'],
    ['www.shop.ru'],
    ['msk.shop.ru'],
    ['a.b.c.shop.ru'],
    ['xn--80aairftm.xn--p1ai'],
    ['www.xn--80aairftm.xn--p1ai'],
    ['localhost'],
    ['192.168.0.10'],
    // a host as in location.host or the Origin header may carry a port
    ['shop.ru:8080'],
    ['localhost:5173'],
    ['192.168.0.10:3000'],
  ])('%s belongs to the project', (host) => {
    expect(hostMatches(host, domains)).toBe(true);
  });

  it.each([
    ['evilshop.ru'], // a suffix that is not at a label boundary
    ['shop.ru.evil.com'],
    ['shop.rus'],
    ['hop.ru'],
    ['ru'],
    ['.shop.ru'],
    [''],
    ['магазин.рф.evil.com'],
    ['192.168.0.100'],
    ['1.192.168.0.10.evil.com'],
    ['notlocalhost'],
  ])('%s does not', (host) => {
    expect(hostMatches(host, domains)).toBe(false);
  });

  it('matches nothing when the project has no domains', () => {
    expect(hostMatches('shop.ru', [])).toBe(false);
  });

  it('agrees with normaliseDomain: a pasted URL matches the host browsers send', () => {
    const stored = [normaliseDomain('https://www.Магазин.рф/каталог')].filter((d) => d !== null);
    expect(stored).toEqual(['xn--80aairftm.xn--p1ai']);
    expect(hostMatches(new URL('https://www.магазин.рф/').host, stored)).toBe(true);
  });
});
