import { describe, expect, it } from 'vitest';
import { type CsvParseResult, detectDelimiter, parseLeadCsv, parseLeadDate } from './csv-import.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const opts = { timeZone: 'Europe/Moscow', phoneRegion: 'RU' as const, now: NOW };

function ok(r: CsvParseResult) {
  if (!r.ok) throw new Error(`expected a valid file, got ${JSON.stringify(r)}`);
  return r;
}
function invalid(r: CsvParseResult) {
  if (r.ok || r.problem !== 'invalid_rows') throw new Error(`expected row errors, got ${JSON.stringify(r)}`);
  return r;
}

describe('parseLeadCsv', () => {
  it('reads a Russian Excel file: BOM, semicolons, quoted newline, local dates, Russian headers', () => {
    const file = Buffer.from(
      '\uFEFFФИО;Телефон;Почта;Дата;Комментарий;Тип;Номер;Менеджер\r\n' +
        'Иван Петров;8 912 345-67-89;Ivan@Example.RU;15.03.2026 14:30;"Перезвонить; после обеда\nсрочно";звонок;A-1;Ольга\r\n' +
        'Мария;+7 (903) 111-22-33;;01.11.2026;;;A-2;\r\n',
      'utf8',
    );
    const r = ok(parseLeadCsv(file, opts));
    expect(r.ignoredColumns).toEqual(['Менеджер']);
    expect(r.rows).toEqual([
      {
        row: 2,
        type: 'phone',
        email: 'Ivan@Example.RU',
        phone: '8 912 345-67-89',
        name: 'Иван Петров',
        company: null,
        subject: null,
        message: 'Перезвонить; после обеда\nсрочно',
        page: null,
        occurredAt: new Date('2026-03-15T11:30:00Z'),
        externalId: 'A-1',
      },
      {
        row: 3,
        type: 'offline',
        email: null,
        phone: '+7 (903) 111-22-33',
        name: 'Мария',
        company: null,
        subject: null,
        message: null,
        page: null,
        occurredAt: new Date('2026-10-31T21:00:00Z'),
        externalId: 'A-2',
      },
    ]);
  });

  it('reads a comma-separated English file with ISO dates and no BOM; a missing date stays null', () => {
    const r = ok(
      parseLeadCsv(
        'E-mail,Name,Subject,Message,occurred_at,Page,Type\n' +
          'a@b.ru,"Smith, John",Sofa,"He said ""hi""",2026-11-20T10:00:00+03:00,https://divan-shop.ru/x,form\n' +
          'c@d.ru,,,,,,\n',
        opts,
      ),
    );
    expect(
      r.rows.map((x) => [x.row, x.name, x.message, x.occurredAt?.toISOString() ?? null, x.type]),
    ).toEqual([
      [2, 'Smith, John', 'He said "hi"', '2026-11-20T07:00:00.000Z', 'form'],
      [3, null, null, null, 'offline'],
    ]);
    expect(r.columns).toEqual(['email', 'name', 'subject', 'message', 'occurred_at', 'page', 'type']);
  });

  it('numbers rows as Excel does: quoted newlines do not shift them, blank lines are skipped but counted', () => {
    const r = invalid(parseLeadCsv('имя;телефон\n"Анна\nСергеевна";+79123456789\n\nПётр;12345\n', opts));
    expect(r.errors).toEqual([{ row: 4, column: 'phone', message: 'not a phone number' }]);
  });

  it('lists every bad row and column, at most 100', () => {
    const r = invalid(
      parseLeadCsv(
        'email;phone;name;date;type;page\n' +
          'not-mail;;;;;\n' +
          ';;;;;\n' + // blank: skipped
          ';  ;  ;;;\n' + // blank after trimming: skipped
          'ok@mail.ru;;;31.02.2026;;\n' +
          ';+79123456789;;01.01.2099 10:00;визит;ftp://x\n' +
          ';;;2026-11-01;;\n',
        opts,
      ),
    );
    expect(r.errors).toEqual([
      { row: 2, column: 'email', message: 'not an e-mail address' },
      { row: 5, column: 'occurred_at', message: expect.stringMatching(/^not a date/) },
      { row: 6, column: 'type', message: expect.any(String) },
      { row: 6, column: 'occurred_at', message: 'must not be in the future' },
      { row: 6, column: 'page', message: 'must be an http(s) URL' },
      { row: 7, column: 'contact', message: 'give at least one of email, phone, name' },
    ]);
    const many = `phone\n${'123\n'.repeat(150)}`;
    const r2 = invalid(parseLeadCsv(many, opts));
    expect(r2.errors).toHaveLength(100);
    expect(r2.total).toBe(150);
    expect(r2.errors.at(-1)?.row).toBe(101);
  });

  it('reads the company of B2B leads under any of its usual headers', () => {
    for (const header of ['Компания', 'организация', 'Название компании', 'COMPANY']) {
      const r = ok(parseLeadCsv(`Имя;${header}\nИрина;ООО «Ромашка»\n`, opts));
      expect(r.ignoredColumns, header).toEqual([]);
      expect(r.rows[0]?.company, header).toBe('ООО «Ромашка»');
    }
  });

  it('refuses files it cannot read as a whole', () => {
    expect(parseLeadCsv('', opts)).toEqual({ ok: false, problem: 'empty' });
    expect(parseLeadCsv('\uFEFF \n', opts)).toEqual({ ok: false, problem: 'empty' });
    expect(parseLeadCsv('email;phone\n', opts)).toEqual({ ok: false, problem: 'empty' });
    expect(parseLeadCsv('Заказ;Сумма\n1;100\n', opts)).toEqual({ ok: false, problem: 'no_contact_column' });
    expect(parseLeadCsv('email;почта\na@b.ru;c@d.ru\n', opts)).toMatchObject({
      ok: false,
      problem: 'duplicate_column',
      detail: 'почта',
    });
    expect(parseLeadCsv('email\n"unterminated\n', opts)).toMatchObject({ ok: false, problem: 'malformed' });
    // Windows-1251 "Имя" is not UTF-8.
    expect(parseLeadCsv(Buffer.from([0xc8, 0xec, 0xff, 0x0a, 0x41, 0x0a]), opts)).toEqual({
      ok: false,
      problem: 'not_utf8',
    });
  });

  it('refuses NUL characters and over-long fields instead of failing the insert', () => {
    const r = invalid(parseLeadCsv(`email;subject\na\u0000@b.ru;x\nb@c.ru;${'т'.repeat(501)}\n`, opts));
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'email'],
      [3, 'subject'],
    ]);
  });
});

describe('detectDelimiter', () => {
  it('picks what separates the header, ignoring quoted separators', () => {
    expect(detectDelimiter('a;b;c\n1,2,3,4,5')).toBe(';');
    expect(detectDelimiter('a,b\n1;2;3;4')).toBe(',');
    expect(detectDelimiter('"a;b;c",d\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
    expect(detectDelimiter('email\n')).toBe(',');
  });
});

describe('parseLeadDate', () => {
  it('reads ISO instants and wall-clock dates in the project zone, DST included', () => {
    expect(parseLeadDate('2026-03-15T14:30:00Z', 'Europe/Moscow')?.toISOString()).toBe(
      '2026-03-15T14:30:00.000Z',
    );
    expect(parseLeadDate('2026-03-15 14:30+0500', 'Europe/Moscow')?.toISOString()).toBe(
      '2026-03-15T09:30:00.000Z',
    );
    expect(parseLeadDate('2026-03-15T14:30', 'Asia/Yekaterinburg')?.toISOString()).toBe(
      '2026-03-15T09:30:00.000Z',
    );
    expect(parseLeadDate('05.07.2026 9:05', 'Europe/Moscow')?.toISOString()).toBe('2026-07-05T06:05:00.000Z');
    expect(parseLeadDate('5.7.2026', 'Europe/Moscow')?.toISOString()).toBe('2026-07-04T21:00:00.000Z');
    // Berlin: winter +01:00, summer +02:00.
    expect(parseLeadDate('15.01.2026 12:00', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-01-15T11:00:00.000Z',
    );
    expect(parseLeadDate('15.07.2026 12:00:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-07-15T10:00:30.000Z',
    );
  });

  it('refuses what is not a real date', () => {
    for (const bad of [
      '31.02.2026',
      '2026-13-01',
      '15.03.2026 25:00',
      'вчера',
      '15/03/2026',
      '2026-02-30T10:00Z',
    ])
      expect(parseLeadDate(bad, 'Europe/Moscow'), bad).toBeNull();
  });
});
