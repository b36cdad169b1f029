import { guard, store } from './util';

/**
 * E-mail substitution: the site's public address → this visitor's alias (GET /alias, see
 * docs/collect-protocol.md) in text, mailto: links, data-* and a few other attributes, also in
 * content added later, and in copied text. The address is not known in advance: the server is
 * asked at most once per page load, only once the page shows something like an e-mail, and its
 * answer is kept in localStorage `_lt_a` for 10 minutes (per site and visitor). Only text and
 * attribute values change, in place: no element is added, removed or restyled.
 */
const K = '_lt_a';
const TTL = 6e5;
/** never touched: code, styles, and what the visitor edits */
const SKIP = 'script,style,textarea,[contenteditable]';
const ATTR = /^(data-|href$|value$|title$|alt$|content$|placeholder$|aria-label$)/;

/** 0: not asked yet (looking for an e-mail on the page), 1: asking, 2: answered */
let st = 0;
let A: string | null = null;
let R: RegExp | undefined;
let mo: MutationObserver | undefined;
let ask: () => void;
/** 1 once the collector has stored this page view; before that, a wanted request waits in `wait` */
let sent = 0;
let wait: (() => void) | undefined;

/** The page view is stored: the server now knows the visitor, so /alias may be asked. */
export const viewed = (): void => {
  sent = 1;
  if (wait) wait();
  wait = undefined;
};

/** The visitor's alias once known (the public address itself when a pool had none free), else null. */
export const alias = (): string | null => A;

const sub = (s: string): string => {
  if (s.indexOf('@') < 0) return s;
  if (!st && /\w@[\w-]/.test(s)) ask();
  return R ? s.replace(R, (_, p: string) => p + A) : s;
};

/** A text node or an attribute: its value with the address replaced. */
const fix = (o: Node): void => {
  const v = o.nodeValue || '';
  const x = sub(v);
  if (x !== v) o.nodeValue = x;
};

const attr = (e: Element, a: Attr | null): void => {
  if (
    a &&
    ATTR.test(a.name) &&
    (a.name !== 'href' || /^mailto:/i.test(a.value)) &&
    // a field's or an option's value is what is typed or sent; a button's is shown
    (a.name !== 'value' ||
      !/^(INPUT|OPTION)$/.test(e.nodeName) ||
      /^(button|submit|reset)$/.test((e as HTMLInputElement).type))
  ) {
    fix(a);
  }
};

const bad = (e: Element | null): boolean => !e || !!e.closest(SKIP);

const walk = (n: Node): void => {
  if (n.nodeType > 3 || bad(n.nodeType === 3 ? n.parentElement : (n as Element))) return;
  const w = document.createTreeWalker(n, 5, (x) =>
    x.nodeType === 1 && (x as Element).matches(SKIP) ? 2 : 1,
  );
  for (let x: Node | null = n; x && st !== 1; x = w.nextNode()) {
    if (x.nodeType === 3) fix(x);
    else for (const a of (x as Element).attributes) attr(x as Element, a);
  }
};

const copy = guard((e: ClipboardEvent): void => {
  const s = `${getSelection()}`;
  const x = sub(s);
  if (x !== s && !e.defaultPrevented && e.clipboardData) {
    e.clipboardData.setData('text/plain', x);
    e.preventDefault();
  }
});

const use = (a?: string, l?: string): void => {
  st = 2;
  A = l || null;
  if (!a || !l || a.toLowerCase() === l.toLowerCase()) mo!.disconnect();
  else {
    // the whole address, not a part of a longer one (xinfo@shop.ru, info@shop.run)
    R = new RegExp(`(^|[^\\w.+-])${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.\\w)`, 'gi');
    walk(document.documentElement);
    addEventListener('copy', copy);
  }
};

/** Starts after the first page view: `base` is the Leadtrail origin. */
export const mail = guard((base: string, site: string, cid: string): void => {
  const k = `${site} ${cid}`;
  const c = guard((v: string) => JSON.parse(v))(store(K) || '0');
  // One observer for everything added or changed later; its records come batched (a microtask).
  mo = new MutationObserver(
    guard((rs: MutationRecord[]): void => {
      if (st === 1) return; // the walk after the answer covers them
      for (const r of rs) {
        const t = r.target as Element;
        if (r.type === 'attributes') bad(t) || attr(t, t.getAttributeNode(r.attributeName!));
        else if (r.type === 'characterData') walk(t);
        else r.addedNodes.forEach(walk);
      }
    }),
  );
  mo.observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
  });
  const get = guard(() => {
    fetch(`${base}/alias?site=${site}&cid=${cid}`, { credentials: 'omit' })
      .then((r) => r.status < 500 && (r.status === 200 ? r.json() : {}))
      .then(
        guard((j: { address?: string; alias?: string } | false) => {
          if (j) store(K, JSON.stringify({ k, t: Date.now(), a: j.address, l: j.alias }));
          const o = j || {};
          use(o.address, o.alias);
        }),
        guard(use),
      );
  });
  ask = guard(() => {
    st = 1;
    if (sent) get();
    else wait = get;
  });
  if (c && c.k === k && Math.abs(Date.now() - c.t) < TTL) use(c.a, c.l);
  else walk(document.documentElement);
});
