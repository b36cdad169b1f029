import { describe, expect, it } from 'vitest';
import { carries } from './carries.js';

/** The phone +7 (912) 345-67-89 is looked for by its last ten digits, the e-mail lower-cased. */
const E = 'maria.k+shop@example.ru';
const P = '9123456789';

describe('carries: does a request the page sent hold the e-mail or phone just typed', () => {
  it.each([
    ['JSON with the phone as typed', '/api/lead {"phone":"+7 (912) 345-67-89"}'],
    ['JSON with bare digits', '/api/lead {"tel":"79123456789"}'],
    ['an 8-prefixed number', '/api/lead {"tel":"89123456789"}'],
    ['a urlencoded body (jQuery)', '/api/lead phone=%2B7+(912)+345-67-89&x=1'],
    ['an encodeURIComponent URL', '/thanks?tel=%2B7%20(912)%20345-67-89 undefined'],
    ['FormData values joined', '/api/lead Мария +7 912 345 67 89'],
  ])('finds the phone in %s', (_, s) => {
    expect(carries(s, '', P)).toBe(true);
  });

  it.each([
    ['as typed', '/api {"email":"maria.k+shop@example.ru"}'],
    ['upper-cased', '/api {"email":"MARIA.K+SHOP@EXAMPLE.RU"}'],
    ['urlencoded', '/api email=Maria.K%2Bshop%40Example.ru'],
    ['encoded twice over a stray %', '/api?d=100% email=maria.k%2Bshop%40example.ru'],
  ])('finds the e-mail %s', (_, s) => {
    expect(carries(s, E, '')).toBe(true);
  });

  it.each([
    ['a click counter', '/api/stats?click=1&area=42 undefined'],
    ['another phone', '/api {"phone":"+7 (912) 345-67-80"}'],
    ['part of the phone', '/api {"phone":"345-67-89"}'],
    ['another e-mail of the same person', '/api {"email":"maria.k@example.ru"}'],
    ['nothing at all', ''],
  ])('finds nothing in %s', (_, s) => {
    expect(carries(s, E, P)).toBe(false);
  });

  it('looks for nothing when neither value is given', () => {
    expect(carries('/api {"phone":""}', '', '')).toBe(false);
  });
});
