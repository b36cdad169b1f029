import { guard } from './util';

export type Lead = {
  email?: string;
  phone?: string;
  name?: string;
  subject?: string;
  message?: string;
  form?: string;
};

const digits = (v: string): number => v.replace(/\D/g, '').length;

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

/**
 * Native submits and script-driven ones (capture phase, before the page's handlers), plus clicks on
 * send-like buttons in a form or in a form-like container without a <form> (site builders).
 */
export const watchForms = (lead: (l: Lead) => void): void => {
  addEventListener(
    'submit',
    guard((e: Event) => {
      const f = e.target as HTMLFormElement;
      if (!invalid(f)) lead(grab(f));
    }),
    true,
  );
  addEventListener(
    'click',
    guard((e: Event) => {
      const b = (e.target as Element).closest<HTMLButtonElement>(
        'button,[type=submit],[type=button],[role=button],a',
      );
      if (
        !b ||
        !/отправ|заказ|запис|получ|перезвон|оставить|заявк|консульт|подпис|рассчит|узнать|связ|send|submit|order|request|call|subscribe|book|get|contact/i.test(
          [b.textContent, b.value, b.getAttribute('aria-label')].join(' '),
        )
      ) {
        return;
      }
      const f = b.form || b.closest('form');
      if (f) {
        if (!invalid(f)) lead(grab(f));
        return;
      }
      for (let n = b.parentElement, i = 0; n && i < 6 && !n.querySelector('form'); n = n.parentElement, i++) {
        const l = grab(n);
        if (l.email || l.phone) return lead(l);
      }
    }),
    true,
  );
};
