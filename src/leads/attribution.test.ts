import { describe, expect, it } from 'vitest';
import type { Visit, Visitor } from '../db/schema.js';
import { attributionParams, creditedVisit, unattributedParams } from './attribution.js';

let n = 0;
const visit = (source: string, medium: string, extra: Partial<Visit> = {}): Visit => ({
  id: `v${++n}`,
  project_id: 'p',
  visitor_id: 'cid-0123456789abcdef',
  started_at: new Date(Date.UTC(2026, 10, 24, 7, n)),
  last_hit_at: new Date(Date.UTC(2026, 10, 24, 7, n, 30)),
  hits: 1,
  source,
  medium,
  campaign: null,
  content: null,
  term: null,
  social_network: null,
  click_id_type: null,
  click_id: null,
  referrer: null,
  landing_url: `https://shop.ru/${n}`,
  ip: '95.55.100.1',
  city_ru: 'Санкт-Петербург',
  city_en: 'St Petersburg',
  country_code: 'RU',
  country_ru: 'Россия',
  country_en: 'Russia',
  browser: 'Chrome 131',
  device: 'mobile',
  ...extra,
});
const visitor: Visitor = {
  project_id: 'p',
  id: 'cid-0123456789abcdef',
  first_seen_at: new Date(),
  last_seen_at: new Date(),
  ga_client_id: '1234567890.1234567890',
  ym_client_id: '1700000000123456789',
  ip: '95.55.100.1',
  city_ru: 'Санкт-Петербург',
  city_en: 'St Petersburg',
  country_code: 'RU',
  country_ru: 'Россия',
  country_en: 'Russia',
  browser: 'Chrome 131',
  device: 'mobile',
  os: 'Android 14',
  current_visit_id: null,
  current_source_key: null,
};

describe('attribution models', () => {
  const path = [
    visit('yandex', 'cpc', { campaign: 'весна', term: 'купить диван' }),
    visit('google', 'organic'),
    visit('(direct)', '(none)'),
  ];
  it('credits the last non-direct, the first or the last visit', () => {
    expect(creditedVisit(path, 'last_non_direct')?.source).toBe('google');
    expect(creditedVisit(path, 'first_click')?.source).toBe('yandex');
    expect(creditedVisit(path, 'last_click')?.source).toBe('(direct)');
    expect(creditedVisit([visit('(direct)', '(none)')], 'last_non_direct')?.source).toBe('(direct)');
    expect(creditedVisit([], 'last_click')).toBeNull();
  });

  it('builds every SPEC parameter, with the full path and places in the account language', () => {
    const at = new Date('2026-11-24T10:15:00+03:00');
    const ru = attributionParams({
      visitor,
      visits: path,
      model: 'first_click',
      occurredAt: at,
      page: 'https://shop.ru/contacts',
      mailbox: null,
      language: 'ru',
    });
    expect(ru).toEqual({
      sent_at: '2026-11-24T07:15:00.000Z',
      source: 'yandex',
      medium: 'cpc',
      campaign: 'весна',
      content: null,
      term: 'купить диван',
      social_network: null,
      path: 'yandex / cpc > google / organic > (direct) / (none)',
      city: 'Санкт-Петербург',
      ip: '95.55.100.1',
      ga_client_id: '1234567890.1234567890',
      ym_client_id: '1700000000123456789',
      at_client_id: 'cid-0123456789abcdef',
      page: 'https://shop.ru/contacts',
      browser: 'Chrome 131',
      country: 'Россия',
      device: 'mobile',
      mailbox: null,
    });
    const en = attributionParams({
      visitor,
      visits: path,
      model: 'first_click',
      occurredAt: at,
      page: null,
      mailbox: 'info@shop.ru',
      language: 'en',
    });
    expect(en).toMatchObject({
      city: 'St Petersburg',
      country: 'Russia',
      mailbox: 'info@shop.ru',
      page: path[2]?.landing_url,
    });
  });

  it('leaves a lead without a visitor with only what it says itself', () => {
    expect(unattributedParams(new Date('2026-11-24T00:00:00Z'), null, null)).toMatchObject({
      sent_at: '2026-11-24T00:00:00.000Z',
      source: null,
      path: null,
      at_client_id: null,
    });
  });
});
