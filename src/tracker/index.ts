import { clientId } from './client-id';
import { getCookie } from './cookies';
import { alias, mail, viewed } from './email';
import { type Lead, watchForms } from './forms';
import { push, startQueue } from './queue';
import { guard, rid } from './util';

/**
 * Leadtrail tracker: <script async src="{PUBLIC_URL}/t.js" data-site="{siteKey}"></script>.
 * Wire format: docs/collect-protocol.md. Every entry point is guarded; the page's DOM is never touched
 * but for the e-mail substitution (email.ts), which changes only the public address in text.
 */
const w = window as Window & { leadtrail?: unknown };

guard(() => {
  if (w.leadtrail) return; // a second tag on the same page
  const s = (document.currentScript ||
    document.querySelector('script[data-site][src*="/t.js"]')) as HTMLScriptElement | null;
  if (!s) return;
  const site = s.getAttribute('data-site');
  const origin = /^https?:\/\/[^/]+/.exec(s.src);
  if (!site || !origin) return;
  startQueue(`${origin[0]}/collect`);
  const cid = clientId();
  let ref = document.referrer;
  let last = location.href;
  let seen = '';
  let seenAt = 0;

  const send = (type: string, lead?: Lead, done?: () => void): void => {
    push(
      {
        v: 1,
        site,
        type,
        eid: rid(),
        cid,
        url: location.href,
        ref,
        // _ga=GA1.2.1234567890.1234567890 → the last two parts; absent → undefined → left out
        ga: (/\d+\.\d+$/.exec(getCookie('_ga')) || [])[0],
        ym: (/^\d+$/.exec(getCookie('_ym_uid')) || [])[0],
        sw: screen.width,
        sh: screen.height,
        lang: navigator.language,
        ts: Date.now(),
        lead,
      },
      done,
    );
  };

  /** A lead needs an e-mail or a phone; the same values within 5 s are one submission. */
  const lead = guard((d: Lead): void => {
    const l: Lead = {};
    for (const k of ['email', 'phone', 'name', 'company', 'subject', 'message', 'form'] as const) {
      const v = d[k]; // lead(undefined) throws here, into the guard
      if (v) l[k] = `${v}`.trim().slice(0, 2000);
    }
    const key = JSON.stringify(l);
    if (!(l.email || l.phone) || (key === seen && Date.now() - seenAt < 5000)) return;
    seen = key;
    seenAt = Date.now();
    send('lead', l);
  });

  w.leadtrail = { clientId: () => cid, lead, alias };
  // A page prerendered by the browser (speculation rules) counts once it is actually shown.
  const d = document as Document & { prerendering?: boolean };
  // /alias binds a pool address only to a visitor whose page view is stored: it asks after that.
  const view = guard(() => {
    send('pageview', undefined, viewed);
    mail(origin[0], site, cid);
  });
  if (d.prerendering) d.addEventListener('prerenderingchange', view, { once: true });
  else view();
  watchForms(lead, `${origin[0]}/`);

  // SPA navigations: a pageview when the path or query changes, ref = the previous URL.
  const nav = guard((): void => {
    const u = location.href;
    if (u.split('#')[0] !== last.split('#')[0]) {
      ref = last;
      last = u;
      send('pageview');
    }
  });
  for (const m of ['pushState', 'replaceState'] as const) {
    const o = history[m];
    history[m] = function (this: History, ...a: Parameters<History['pushState']>) {
      const r = o.apply(this, a);
      nav();
      return r;
    };
  }
  addEventListener('popstate', nav);
})();
