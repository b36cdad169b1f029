import { guard } from './util';

export type Ev = { eid: string } & Record<string, unknown>;
type Q = Record<string, Ev>;

/**
 * Events wait in localStorage `_lt_q` (an object keyed by eid, oldest first, at most 50) until the
 * collector answers. An object rather than an array: pages that patch Array.prototype.toJSON
 * (Prototype.js) corrupt JSON.stringify of arrays. Without storage the queue lives in memory.
 */
const K = '_lt_q';
let mem: Q = {};
let persisted = true;
let url = '';
/** 1: on its way; 2: its last attempt got no answer */
const inflight: Record<string, number> = {};
/** what to run once an event has its final answer (this page load only) */
const after: Record<string, () => void> = {};
let timer = 0;
let delay = 0;

const read = (): Q => {
  if (persisted) {
    try {
      const q = JSON.parse(localStorage.getItem(K) || '{}');
      if (q && typeof q === 'object') return q;
    } catch (_) {}
  }
  return mem;
};

const write = (q: Q): void => {
  for (const id of Object.keys(q).slice(0, -50)) delete q[id];
  mem = q;
  try {
    localStorage.setItem(K, JSON.stringify(q));
    persisted = true;
  } catch (_) {
    persisted = false;
  }
};

const drop = (id: string): void => {
  const q = read();
  delete q[id];
  write(q);
};

const beacon = (body: string): boolean => {
  try {
    return navigator.sendBeacon(url, body);
  } catch (_) {
    return false;
  }
};

/**
 * Done with an event: any answer but 408, 429 and 5xx is final. Those and no answer at all (0) are
 * retried with backoff. An event with no answer stays marked (2) so the pagehide beacon skips it:
 * Chromium rejects a keepalive fetch when a navigation starts while the request itself goes on.
 */
const settle = guard((id: string, status: number): void => {
  delete inflight[id];
  if (status && status < 500 && status !== 408 && status !== 429) {
    drop(id);
    delay = 0;
    const f = after[id];
    delete after[id];
    if (f) f();
    return;
  }
  if (!status) inflight[id] = 2;
  if (!timer) {
    delay = Math.min(delay * 2 || 2000, 60000);
    timer = setTimeout(flush, delay) as unknown as number;
  }
});

/** Posts every queued event that is not already on its way (fetch keepalive, text/plain: no preflight). */
export const flush = guard((): void => {
  clearTimeout(timer);
  timer = 0;
  const q = read();
  for (const id of Object.keys(q)) {
    if (inflight[id] === 1) continue;
    inflight[id] = 1;
    const body = JSON.stringify(q[id]);
    try {
      fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).then(
        (r) => settle(id, r.status),
        () => settle(id, 0),
      );
    } catch (_) {
      // fetch itself is broken (a bad polyfill or override): the beacon is the only way left.
      settle(id, beacon(body) ? 204 : 0);
    }
  }
});

/**
 * Adds an event and persists it before anything is sent, so a navigation right after cannot lose it.
 * `done` runs once the collector has answered it for good (stored, or refused as malformed).
 */
export const push = (e: Ev, done?: () => void): void => {
  const q = read();
  q[e.eid] = e;
  if (done) after[e.eid] = done;
  write(q);
  flush();
};

/**
 * The page is being hidden or unloaded: beacon what the collector answered 5xx/408/429 to. The events
 * stay queued (a beacon's fate is unknown); the collector acknowledges a repeated eid without a
 * second write. Events on their way or without an answer are left to keepalive and the next load.
 */
const hide = guard((e: Event): void => {
  if (e.type === 'pagehide' || document.visibilityState === 'hidden') {
    const q = read();
    for (const id of Object.keys(q)) if (!inflight[id]) beacon(JSON.stringify(q[id]));
  }
});

export const startQueue = (endpoint: string): void => {
  url = endpoint;
  addEventListener('online', flush);
  addEventListener('pagehide', hide);
  addEventListener('visibilitychange', hide);
};
