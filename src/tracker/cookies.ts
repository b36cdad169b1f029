import { rid } from './util';

export const getCookie = (n: string): string => {
  try {
    const m = document.cookie.match(new RegExp(`(?:^|; )${n}=([^;]*)`));
    return m ? decodeURIComponent(m[1]!) : '';
  } catch (_) {
    return '';
  }
};

/**
 * Sets a first-party cookie for one year on the registrable domain: tries domain= from the shortest
 * suffix upward (a.b.shop.co.uk: co.uk is refused by the browser, shop.co.uk is taken), as GA does.
 * A random probe cookie tells which one the browser accepted; IPs and single-label hosts get a
 * host-only cookie.
 */
export const setCookie = (n: string, v: string): void => {
  const c = document;
  const h = location.hostname;
  const p = h.split('.');
  let dom = '';
  for (let i = /^[\d.]+$|:/.test(h) ? -1 : p.length - 2; i >= 0; i--) {
    const d = `;domain=${p.slice(i).join('.')}`;
    const t = rid();
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing in older Safari/Firefox
    c.cookie = `_lt_t=${t};path=/${d}`;
    if (getCookie('_lt_t') === t) {
      // biome-ignore lint/suspicious/noDocumentCookie: as above
      c.cookie = `_lt_t=;path=/;max-age=0${d}`;
      dom = d;
      break;
    }
  }
  // biome-ignore lint/suspicious/noDocumentCookie: as above
  c.cookie = `${n}=${v};path=/;max-age=31536000;samesite=lax${location.protocol === 'https:' ? ';secure' : ''}${dom}`;
};
