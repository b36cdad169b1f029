import { carries } from './carries';
import { watchSends } from './sent';
import { guard } from './util';

export type Lead = {
  email?: string;
  phone?: string;
  name?: string;
  company?: string;
  subject?: string;
  message?: string;
  form?: string;
};

const nums = (v: string): string => v.replace(/\D/g, '');
const digits = (v: string): number => nums(v).length;

/** Reads the contact fields of a form or a form-like container; never passwords, cards or tokens. */
const grab = (c: Element): Lead => {
  const l: Lead = {};
  if (c.closest('[data-lt-ignore]')) return l;
  l.form = c.getAttribute('data-lt-form') || c.getAttribute('id') || c.getAttribute('name') || '';
  for (const el of c.querySelectorAll<HTMLInputElement>('input,select,textarea')) {
    const t = el.type;
    const v = el.value.trim();
    if (!v || /^(password|hidden|file|checkbox|radio|submit|button|reset|image)$/.test(t)) continue;
    if (el.closest('[data-lt-ignore]')) continue;
    let d = [
      el.name,
      el.id,
      el.autocomplete,
      el.placeholder,
      el.getAttribute('aria-label'),
      t === 'text' ? '' : t,
    ].join(' ');
    for (const lb of el.labels || []) d += ` ${lb.textContent}`;
    d = d.toLowerCase();
    // secrets by name or label, and anything that looks like a card number
    if (
      /pass|парол|card|карт|cc-|cvv|cvc|csrf|token|captcha|secret/.test(d) ||
      (/^[\d\s-]+$/.test(v) && digits(v) > 12)
    ) {
      continue;
    }
    const k: keyof Lead | '' = /e-?mail|почт/.test(d)
      ? 'email'
      : /phone|tel|телеф|моб|номер/.test(d)
        ? 'phone'
        : /subject|тема/.test(d)
          ? 'subject'
          : t === 'textarea'
            ? 'message'
            : /компан|организ|company|organi[sz]|\bfirm|\borg/.test(d)
              ? 'company'
              : /name|fio|фио|имя/.test(d) && !/user|login|логин|пользов/.test(d)
                ? 'name'
                : /message|comment|question|text|сообщ|коммент|вопрос/.test(d)
                  ? 'message'
                  : /^\S+@\S+\.\S+$/.test(v)
                    ? 'email'
                    : /^\+?[\d\s().-]+$/.test(v) && digits(v) > 6
                      ? 'phone'
                      : '';
    if (k && !l[k] && (k !== 'email' || /^\S+@\S+\.\S+$/.test(v)) && (k !== 'phone' || digits(v) > 5)) {
      l[k] = v;
    }
  }
  return l;
};

const invalid = (f: HTMLFormElement): boolean => !f.checkValidity();

/** A click that may send a form: its lead, the e-mail and phone digits to look for, and when. */
let P: [Lead, string, string, number] | 0 = 0;

/**
 * Native submits and script-driven ones (capture phase, before the page's handlers). A click on any
 * button or link in a form, or in a form-like container without a <form> (site builders), holding an
 * e-mail or a phone, whatever the button says, is a lead once the page sends those values within
 * 10 s (see sent.ts): a button that only opens, checks or counts something sends none of them.
 * Requests to `own` (the tracker's) confirm nothing.
 */
export const watchForms = (lead: (l: Lead) => void, own: string): void => {
  addEventListener(
    'submit',
    guard((e: Event) => {
      const f = e.target as HTMLFormElement;
      if (!invalid(f)) {
        P = 0; // the page's own sending of this submission is the same lead
        lead(grab(f));
      }
    }),
    true,
  );
  addEventListener(
    'click',
    guard((e: Event) => {
      const b = (e.target as Element).closest<HTMLButtonElement>(
        'button,[type=submit],[type=button],[type=image],[role=button],a',
      );
      const f = b && (b.form || b.closest('form'));
      let l = f ? grab(f) : {};
      for (
        let n = b && !f && b.parentElement, i = 0;
        n && i < 6 && !n.querySelector('form');
        n = n.parentElement, i++
      ) {
        l = grab(n);
        if (l.email || l.phone) break;
      }
      if (l.email || l.phone)
        P = [l, (l.email || '').toLowerCase(), nums(l.phone || '').slice(-10), Date.now()];
    }),
    true,
  );
  watchSends((s) => {
    if (P && Date.now() - P[3] < 1e4 && s.indexOf(own) && carries(s, P[1], P[2])) {
      const l = P[0];
      P = 0;
      lead(l);
    }
    return P;
  });
};
