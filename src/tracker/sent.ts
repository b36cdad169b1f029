import { guard } from './util';

/**
 * Calls `see` (true: it waits for more) with the URL and the body (a string, URLSearchParams or FormData; a Blob, a buffer or a
 * stream is not read) of every request the page sends: fetch, XMLHttpRequest, sendBeacon, and
 * navigations where the browser has the Navigation API (location changes, links, form.submit()).
 * The originals are called as they were, whatever `see` does.
 */
export const watchSends = (see: (s: string) => unknown): void => {
  const s = (u: unknown, b?: unknown): unknown =>
    see(`${u} ${b instanceof FormData ? [...b.values()].join(' ') : b}`);
  // biome-ignore lint/suspicious/noExplicitAny: host objects of several types
  const hook = (o: any, k: string, f: (a: any[], t: any) => void): void => {
    const m = o[k];
    const g = guard(f);
    if (m)
      o[k] = function (this: unknown, ...a: unknown[]) {
        g(a, this);
        return m.apply(this, a);
      };
  };
  hook(window, 'fetch', (a) => {
    const r = a[0];
    // a Request (ky, RTK Query) keeps its body in a stream: a copy is read while `see` still waits
    if (s(r.url || r, Object(a[1]).body) && r.clone)
      r.clone()
        .text()
        .then(
          guard((t: string) => s(r.url, t)),
          String,
        );
  });
  hook(navigator, 'sendBeacon', (a) => s(a[0], a[1]));
  const x = XMLHttpRequest.prototype;
  hook(x, 'open', (a, t) => {
    t._lt = a[1];
  });
  hook(x, 'send', (a, t) => s(t._lt, a[0]));
  const n = (window as Window & { navigation?: EventTarget }).navigation;
  if (n)
    n.addEventListener(
      'navigate',
      guard((e: Event & { destination?: { url: string }; formData?: FormData | null }) =>
        s(e.destination!.url, e.formData),
      ) as EventListener,
    );
};
