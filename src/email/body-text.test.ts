import { describe, expect, it } from 'vitest';
import { replyText } from './body-text.js';

const t = (lines: string[]) => lines.join('\n');

describe('replyText: quotes', () => {
  it('cuts an English "On … wrote:" and the quote below it', () => {
    const text = t([
      'Hello, how much is delivery to Kazan?',
      '',
      'On Mon, 24 Nov 2025 at 10:00, Shop <info@shop.ru> wrote:',
      '> Thank you for your order',
      '> Anything else?',
    ]);
    expect(replyText(text)).toBe('Hello, how much is delivery to Kazan?');
  });

  it('cuts an attribution wrapped over two lines', () => {
    const text = t([
      'Yes, please.',
      '',
      'On Mon, 24 Nov 2025 at 10:00, Very Long Company Name Sales Department <',
      'sales@shop.ru> wrote:',
      '> Shall we send it?',
    ]);
    expect(replyText(text)).toBe('Yes, please.');
  });

  it('cuts Russian attributions: Thunderbird "пишет:", Gmail and Yandex "<address>:"', () => {
    expect(
      replyText(t(['Да, подходит.', '', '24.11.2025 10:00, Иван Петров пишет:', '> Вам подходит?'])),
    ).toBe('Да, подходит.');
    expect(
      replyText(
        t(['Спасибо!', '', 'пн, 24 нояб. 2025 г. в 10:00, Магазин <info@shop.ru>:', '', '> Заказ готов']),
      ),
    ).toBe('Спасибо!');
    expect(
      replyText(t(['Жду звонка', '', '24.11.2025, 10:00, "Магазин" <info@shop.ru>:', '> Перезвоним'])),
    ).toBe('Жду звонка');
    expect(
      replyText(
        t([
          'Беру два',
          '',
          'Понедельник, 24 ноября 2025, 10:00 +03:00 от Магазин <info@shop.ru>:',
          '> Сколько вам?',
        ]),
      ),
    ).toBe('Беру два');
  });

  it('cuts Outlook "-----Original Message-----" and the From/Sent/Subject block (English and Russian)', () => {
    expect(
      replyText(t(['See attached.', '', '-----Original Message-----', 'From: Shop', 'Sent: Monday', 'Hi'])),
    ).toBe('See attached.');
    expect(
      replyText(
        t([
          'Согласен с ценой.',
          '',
          'От: Магазин <info@shop.ru>',
          'Отправлено: 24 ноября 2025 г. 10:00',
          'Кому: Иван',
          'Тема: Счёт',
          '',
          'Высылаем счёт',
        ]),
      ),
    ).toBe('Согласен с ценой.');
    expect(replyText(t(['Ок', '-----Исходное сообщение-----', 'От: Магазин']))).toBe('Ок');
  });

  it('keeps an answer written below a quote on top', () => {
    const text = t(['On Mon, 24 Nov 2025, Shop <info@shop.ru> wrote:', '> Which size?', '', 'XL, please']);
    expect(replyText(text)).toBe('XL, please');
  });

  it('drops inline quoted lines but keeps the answers between them', () => {
    const text = t(['> Which colour?', 'Red', '> Which size?', 'XL']);
    expect(replyText(text)).toBe('Red\nXL');
  });

  it('leaves ordinary text that merely mentions writing alone', () => {
    const text = t(['Мой коллега пишет:', 'нужно 10 штук', '', 'On second thought, make it 12.']);
    expect(replyText(text)).toBe(text);
  });

  it('a message of quotes only stays readable', () => {
    expect(replyText('> only a quote')).toBe('> only a quote');
  });
});

describe('replyText: signatures', () => {
  it('cuts the "-- " separator and a short signature', () => {
    const text = 'Please call me back.\n\n-- \nIvan Petrov\nACME Ltd\n+7 900 000-00-00';
    expect(replyText(text)).toBe('Please call me back.');
  });

  it('cuts "С уважением," / "Best regards" closings near the end', () => {
    expect(
      replyText(t(['Пришлите счёт на 5 штук.', '', 'С уважением,', 'Иван Петров', 'ООО «Ромашка»'])),
    ).toBe('Пришлите счёт на 5 штук.');
    expect(replyText(t(['Send the invoice.', '', 'Best regards, Ivan Petrov']))).toBe('Send the invoice.');
  });

  it('keeps a closing formula that is part of a sentence, and long texts after it', () => {
    const sentence = t(['Добрый день!', 'С уважением к вашей работе хотим заказать 3 шт.']);
    expect(replyText(sentence)).toBe(sentence);
    const long = t(['Вопрос', 'С уважением,', '1', '2', '3', '4', '5', '6', '7', '8']);
    expect(replyText(long)).toBe(long);
  });

  it('cuts "Sent from my iPhone" and Russian mobile footers', () => {
    expect(replyText('Перезвоните мне\n\nОтправлено с iPhone')).toBe('Перезвоните мне');
    expect(replyText('Call me\n\nSent from my iPhone')).toBe('Call me');
    expect(replyText('Жду ответа\n\nОтправлено из мобильной Почты Mail.ru')).toBe('Жду ответа');
  });

  it('never returns nothing when all of it looks like a signature', () => {
    expect(replyText('С уважением,\nИван')).toBe('С уважением,\nИван');
  });

  it('normalises line ends and caps the length', () => {
    expect(replyText('a\r\nb\r\n\r\n\r\n\r\nc')).toBe('a\nb\n\nc');
    expect(replyText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
