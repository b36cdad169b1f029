/**
 * The part of an e-mail's plain text a person wrote this time: quoted earlier messages, the
 * attribution line before them ("On … wrote:", "… пишет:"), Outlook's header block or
 * "-----Original Message-----", a "-- " signature and "Sent from my iPhone" lines are cut.
 *
 * Kept conservative: a rule only cuts when something written is left before it, and signature
 * rules only look at the last few lines. When in doubt the text stays. Pure.
 */

export const MAX_BODY_LENGTH = 20_000;

const ORIGINAL_MESSAGE =
  /^-{2,}\s*(original message|исходное сообщение|оригинальное сообщение|ursprüngliche nachricht)\s*-{2,}$/i;
/** "On Mon, 24 Nov 2025 at 10:00, Ivan <ivan@example.com> wrote:" (may be wrapped over lines) */
const ON_WROTE = /^On\s.{4,400}\swrote:$/i;
/** "24.11.2025 10:00, Иван Петров пишет:" (Thunderbird, Outlook.com, Mail.ru apps) */
const RU_WROTE = /^.{0,400}\s(пишет|написал|написала|написал\(а\)|wrote)\s*:$/i;
/** Gmail / Yandex / Mail.ru in Russian: "пн, 24 нояб. 2025 г. в 10:00, Иван <ivan@example.com>:" */
const ADDRESS_COLON = /<[^<>\s@]+@[^<>\s]+>\s*:$/;
const TIME = /\d{1,2}:\d{2}/;
const HEADER_FROM = /^\*?(from|от|від)\s*:\*?\s*\S/i;
const HEADER_SENT = /^\*?(sent|date|отправлено|дата)\s*:\*?\s*\S/i;
const HEADER_SUBJECT = /^\*?(subject|тема)\s*:/i;
const QUOTED = /^\s*>/;
const SIG_DASHES = /^--$/;
const MOBILE =
  /^(sent from my .{1,60}|sent from (mail|outlook|yahoo mail) for .{1,40}|get outlook for .{1,40}|отправлено (с|из) .{1,60}|отправлено с моего .{1,60}|sent with .{1,40})$/i;
const CLOSING =
  /^(с уважением|с наилучшими пожеланиями|всего (доброго|хорошего|наилучшего)|best regards|kind regards|warm regards|best wishes|regards|sincerely|yours sincerely|cheers)([,.!]?|,\s*[\p{L}.]+(\s[\p{L}.]+){0,2})$/iu;

export function replyText(input: string, maxLength = MAX_BODY_LENGTH): string {
  const lines = input
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.trimEnd());

  let out = cutAtQuoteHeader(lines);
  out = out.filter((l) => !QUOTED.test(l));
  out = cutSignature(out);
  let text = collapse(out);
  if (!text) text = collapse(lines.filter((l) => !QUOTED.test(l)));
  if (!text) text = collapse(lines);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** Index of the first line of a quote header starting at line i, with how many lines it spans. */
function quoteHeaderAt(lines: readonly string[], i: number): number {
  const first = lines[i]?.trim() ?? '';
  if (!first) return 0;
  if (ORIGINAL_MESSAGE.test(first)) return 1;
  // An attribution line, possibly wrapped by the sender's client over up to three lines.
  let joined = '';
  for (let n = 1; n <= 3 && i + n - 1 < lines.length; n++) {
    const part = lines[i + n - 1]?.trim() ?? '';
    if (!part) break;
    joined = joined ? `${joined} ${part}` : part;
    if (joined.length > 450) break;
    if (ON_WROTE.test(joined)) return n;
    if (RU_WROTE.test(joined) && /[\d@]/.test(joined)) return n;
    if (ADDRESS_COLON.test(joined) && TIME.test(joined)) return n;
  }
  // Outlook: From / Sent / (To / Cc) / Subject block.
  if (HEADER_FROM.test(first)) {
    let sent = false;
    for (let j = i + 1; j < Math.min(lines.length, i + 7); j++) {
      const l = lines[j]?.trim() ?? '';
      if (HEADER_SENT.test(l)) sent = true;
      else if (sent && HEADER_SUBJECT.test(l)) return j - i + 1;
    }
  }
  return 0;
}

function cutAtQuoteHeader(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const span = quoteHeaderAt(lines, i);
    if (span === 0) {
      out.push(lines[i] ?? '');
      continue;
    }
    // Something was written above the quote: that is the reply, the rest is history.
    if (out.some((l) => l.trim() && !QUOTED.test(l))) return out;
    // A quote on top (the answer follows it): drop the header, keep reading.
    i += span - 1;
  }
  return out;
}

function cutSignature(lines: string[]): string[] {
  let end = lines.length;
  const written = (upTo: number) => lines.slice(0, upTo).some((l) => l.trim());
  const nonEmptyAfter = (from: number) => lines.slice(from + 1, end).filter((l) => l.trim()).length;

  // "Sent from my iPhone" among the last lines.
  for (let i = end - 1, seen = 0; i >= 0 && seen < 3; i--) {
    const l = lines[i]?.trim() ?? '';
    if (!l) continue;
    seen++;
    if (MOBILE.test(l) && written(i)) end = i;
  }
  // The standard "-- " separator (trailing space already trimmed), with a short signature after it.
  for (let i = end - 1; i >= 0; i--) {
    if (SIG_DASHES.test(lines[i] ?? '') && nonEmptyAfter(i) <= 15 && written(i)) {
      end = i;
      break;
    }
  }
  // A closing formula alone on its line near the end ("С уважением,", "Best regards, Ivan").
  for (let i = end - 1, seen = 0; i >= 0 && seen < 7; i--) {
    const l = lines[i]?.trim() ?? '';
    if (!l) continue;
    seen++;
    if (CLOSING.test(l) && nonEmptyAfter(i) <= 6 && written(i)) {
      end = i;
      break;
    }
  }
  return lines.slice(0, end);
}

function collapse(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
