import type { CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normaliseEmail, normaliseName, normalisePhone } from './contact.js';

describe('normaliseEmail', () => {
  it.each([
    ['ivan@mail.ru', 'ivan@mail.ru'],
    ['  Ivan.Petrov@Yandex.RU  ', 'ivan.petrov@yandex.ru'],
    ['Иван@Почта.РФ', 'иван@почта.рф'],
    ['sales+leads@shop-partner.ru', 'sales+leads@shop-partner.ru'],
    ["o'brien@example.co.uk", "o'brien@example.co.uk"],
    // punycode (what browsers send from type=email fields) and Unicode are one mailbox
    ['info@xn--80aairftm.xn--p1ai', 'info@магазин.рф'],
    ['Ivan@XN--E1AFMKFD.XN--P1AI', 'ivan@пример.рф'],
    ['user@sub.domain.example.com', 'user@sub.domain.example.com'],
    ['mailto:Info@Shop.ru', 'info@shop.ru'],
    ['mailto:info@shop.ru?subject=%D0%97%D0%B0%D0%BA%D0%B0%D0%B7', 'info@shop.ru'],
    // decomposed й (и + combining breve) folds to the composed letter
    ['\u0438\u0306ozh@mail.ru', 'йozh@mail.ru'],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it.each([
    [null],
    [undefined],
    [''],
    ['   '],
    ['ivan'],
    ['ivan@'],
    ['@mail.ru'],
    ['ivan@mail'], // no top-level domain
    ['ivan@@mail.ru'],
    ['ivan petrov@mail.ru'],
    ['ivan@mail .ru'],
    ['ivan@mail,ru'],
    ['.ivan@mail.ru'],
    ['ivan.@mail.ru'],
    ['iv..an@mail.ru'],
    ['ivan@mail..ru'],
    ['ivan@-mail.ru'],
    ['ivan@mail.ru.'],
    ['ivan@mail.123'],
    ['ivan@[192.168.0.1]'],
    ['"ivan petrov"@mail.ru'],
    ['ivan@mail_box.ru'],
    [`${'a'.repeat(65)}@mail.ru`],
    [`ivan@${'a'.repeat(250)}.ru`],
    ['Иван Петров <ivan@mail.ru>'],
    ['не указан'],
  ])('refuses %j', (raw) => {
    expect(normaliseEmail(raw)).toBeNull();
  });
});

describe('normalisePhone', () => {
  it.each<[string, CountryCode | undefined, string]>([
    // Russia, as people type it
    ['8 912 345-67-89', undefined, '+79123456789'],
    ['+7 (912) 345 67 89', undefined, '+79123456789'],
    ['9123456789', undefined, '+79123456789'],
    ['89123456789', undefined, '+79123456789'],
    ['79123456789', undefined, '+79123456789'],
    ['+7-912-345-67-89', undefined, '+79123456789'],
    ['  +7 912 345 67 89  ', undefined, '+79123456789'],
    ['+7\u00a0912\u00a0345-67-89', undefined, '+79123456789'],
    ['８ ９１２ ３４５ ６７ ８９', undefined, '+79123456789'], // full-width digits from a Japanese IME
    ['tel:+7-912-345-67-89', undefined, '+79123456789'],
    ['тел.: 8 (912) 345-67-89', undefined, '+79123456789'],
    ['+8 912 345-67-89', undefined, '+79123456789'], // a plus before the trunk prefix
    ['8 (495) 123-45-67', undefined, '+74951234567'],
    ['8 800 555-35-35', undefined, '+78005553535'],
    // extensions are dropped
    ['+7 495 123-45-67 доб. 123', undefined, '+74951234567'],
    ['+7 495 123-45-67 ext. 12', undefined, '+74951234567'],
    ['8 (495) 123-45-67 #12', undefined, '+74951234567'],
    // other countries keep their code
    ['+375 29 123-45-67', undefined, '+375291234567'],
    ['+380 44 123 4567', undefined, '+380441234567'],
    ['+49 30 123456', undefined, '+4930123456'],
    ['+1 (212) 736-5000', undefined, '+12127365000'],
    // Kazakhstan shares +7: 7xx codes
    ['+7 701 123 45 67', undefined, '+77011234567'],
    ['8 701 123 45 67', undefined, '+77011234567'],
    ['+7 (7172) 55-55-55', undefined, '+77172555555'],
    ['8 (727) 258-12-34', 'KZ', '+77272581234'],
    // United States with region US
    ['(650) 253-0000', 'US', '+16502530000'],
    ['650-253-0000', 'US', '+16502530000'],
    ['1 650 253 0000', 'US', '+16502530000'],
    ['+7 912 345 67 89', 'US', '+79123456789'], // an explicit code beats the region
    // Belarus as the project's region
    ['8 029 123-45-67', 'BY', '+375291234567'],
  ])('%j (%s) → %s', (raw, region, expected) => {
    expect(normalisePhone(raw, region)).toBe(expected);
  });

  it.each<[string | null | undefined, CountryCode | undefined]>([
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['не звонить', undefined],
    ['abc', undefined],
    ['8-800-FLOWERS', undefined],
    ['123', undefined],
    ['12345', undefined],
    ['0000000', undefined],
    ['+7 912 345 67 8', undefined], // a digit short
    ['+7 912 345 67 890', undefined], // a digit too many
    ['8912345678', undefined], // 10 digits after the trunk prefix
    ['+7 111 111 11 11', undefined], // no such range in Russia
    ['+7 000 000 00 00', undefined],
    ['++79123456789', undefined],
    ['+7 (912) 345-67-89, +7 (912) 000-00-00', undefined], // two numbers: which one?
    ['(650) 253-0000', undefined], // an American number read as Russian
    ['8 912 345-67-89', 'US'], // a Russian number without its code read as American
    ['+999 123 456 789', undefined], // no such country code
    ['9'.repeat(300), undefined],
  ])('refuses %j (%s)', (raw, region) => {
    expect(normalisePhone(raw, region)).toBeNull();
  });
});

describe('normaliseName', () => {
  it.each([
    ['Иван', 'Иван'],
    ['  Иван   Петров  ', 'Иван Петров'],
    ['Анна\tМария\nСмирнова', 'Анна Мария Смирнова'],
    ['Jean-Luc\u00a0Picard', 'Jean-Luc Picard'],
    ['\ufeffИва\u200bн', 'Иван'],
    ['Ivan\u0000Petrov', 'Ivan Petrov'],
    ["О'Брайен", "О'Брайен"],
    ['\u0418\u0306\u043e\u0448\u043a\u0430', 'Йошка'],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseName(raw)).toBe(expected);
  });

  it.each([[null], [undefined], [''], ['   '], ['\n\t'], ['\u0000\u0001']])('refuses %j', (raw) => {
    expect(normaliseName(raw)).toBeNull();
  });

  it('cuts a long name to 200 characters', () => {
    const name = normaliseName('Я'.repeat(500));
    expect(name).toBe('Я'.repeat(200));
  });

  it('never leaves half of a surrogate pair', () => {
    const name = normaliseName(`${'a'.repeat(199)}😀tail`);
    expect(name).toBe('a'.repeat(199));
  });

  it('does not end a cut name with a space', () => {
    expect(normaliseName(`${'a'.repeat(199)} bcd`)).toBe('a'.repeat(199));
  });
});
