// One file over 400 lines: all cases share one Chromium and fake collector; the last checks all requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTracker } from '../../scripts/build-tracker.mjs';
import { browserAvailable, launchChromium } from '../helpers/browser.js';

/** What the fake collector saw: one entry per request to /collect. */
interface Hit {
  method: string;
  contentType: string;
  /** Sec-Fetch-Mode: `cors` for fetch, `no-cors` for sendBeacon */
  mode: string;
  raw: string;
  body: Record<string, unknown> & {
    site?: string;
    type?: string;
    eid?: string;
    lead?: Record<string, string>;
  };
  status: number;
}

type Reply = number | 'drop';

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const poll = <T>(fn: () => T | Promise<T>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 50 });

describe.skipIf(!browserAvailable)('tracker in Chromium', () => {
  let browser: Browser;
  let site: Server;
  let collector: Server;
  let siteUrl = '';
  let cdnUrl = '';
  let code = '';
  const pages = new Map<string, string>();
  const hits: Hit[] = [];
  const siteRequests: { path: string; body: string }[] = [];
  /** per site key: how the collector answers the next request (shifted), then 204 */
  const script = new Map<string, Reply[]>();
  const slow = new Map<string, number>();
  let keyN = 0;

  beforeAll(async () => {
    [{ code }, browser] = await Promise.all([buildTracker(), launchChromium()]);
    // The site and the Leadtrail server are different origins, as on a real install.
    site = await listen(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      siteRequests.push({ path, body: await readBody(req) });
      const html = pages.get(path);
      if (path.startsWith('/slow')) await sleep(1000);
      if (html === undefined) {
        res.writeHead(path.startsWith('/api/') ? 200 : 404, { 'content-type': 'application/json' });
        return res.end('{}');
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    });
    collector = await listen(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/t.js') {
        res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8' });
        return res.end(code);
      }
      const raw = await readBody(req);
      let body: Hit['body'] = {};
      try {
        body = JSON.parse(raw);
      } catch {}
      const reply: Reply = (body.site ? script.get(body.site)?.shift() : undefined) ?? 204;
      hits.push({
        method: req.method ?? '',
        contentType: String(req.headers['content-type']),
        mode: String(req.headers['sec-fetch-mode']),
        raw,
        body,
        status: reply === 'drop' ? 0 : reply,
      });
      if (reply === 'drop') return req.socket.destroy();
      const delay = (body.site ? slow.get(body.site) : 0) ?? 0;
      if (delay) await sleep(delay);
      res.writeHead(req.method === 'POST' && path === '/collect' ? reply : 404, {
        'access-control-allow-origin': '*',
      });
      res.end();
    });
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    cdnUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await browser?.close();
    site?.closeAllConnections();
    collector?.closeAllConnections();
    await Promise.all([site, collector].map((s) => s && new Promise((r) => s.close(r))));
  });

  const tag = (key: string) => `<script async src="${cdnUrl}/t.js" data-site="${key}"></script>`;

  /** A page of the test site at `path` with the tracker tag (or tags) of a fresh site key. */
  function page(path: string, body: string, opts: { head?: string; key?: string; tags?: number } = {}) {
    const key = opts.key ?? `pk_test_${++keyN}`;
    const tags = tag(key).repeat(opts.tags ?? 1);
    pages.set(
      path,
      `<!doctype html><html><head><meta charset="utf-8"><title>t</title>${opts.head ?? ''}${tags}</head><body>${body}</body></html>`,
    );
    return { key, url: `${siteUrl}${path}` };
  }

  const accepted = (key: string, type?: string) =>
    hits.filter((h) => h.body.site === key && h.status === 204 && (!type || h.body.type === type));
  const eids = (key: string, type: string) => new Set(accepted(key, type).map((h) => h.body.eid)).size;

  async function open(): Promise<{ ctx: BrowserContext; tab: Page; errors: string[] }> {
    const ctx = await browser.newContext({
      locale: 'ru-RU',
      viewport: { width: 1280, height: 720 },
      screen: { width: 1920, height: 1080 },
    });
    const tab = await ctx.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    return { ctx, tab, errors };
  }

  async function trackerReady(tab: Page) {
    await tab.waitForFunction('window.leadtrail && typeof window.leadtrail.clientId === "function"');
  }

  it('sends a pageview exactly per protocol: text/plain, no preflight, GA and Metrica ids', async () => {
    const { key } = page('/landing', '<h1>Диваны</h1>');
    const { ctx, tab, errors } = await open();
    await ctx.addCookies([
      { name: '_ga', value: 'GA1.2.1234567890.1234567890', url: siteUrl },
      { name: '_ym_uid', value: '1700000000123456789', url: siteUrl },
    ]);
    const url = `${siteUrl}/landing?utm_source=yandex&utm_medium=cpc&utm_campaign=sofa&gclid=abc123`;
    const before = Date.now();
    await tab.goto(url, { referer: 'http://www.google.com/' });
    await poll(() => accepted(key).length).toBe(1);
    const hit = accepted(key)[0]!;
    expect(hit.method).toBe('POST');
    expect(hit.contentType).toBe('text/plain;charset=UTF-8');
    expect(hit.body).toEqual({
      v: 1,
      site: key,
      type: 'pageview',
      eid: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
      cid: expect.stringMatching(/^[A-Za-z0-9._-]{16,64}$/),
      url,
      ref: 'http://www.google.com/',
      ga: '1234567890.1234567890',
      ym: '1700000000123456789',
      sw: 1920,
      sh: 1080,
      lang: 'ru-RU',
      ts: expect.any(Number),
    });
    expect(hit.body.ts).toBeGreaterThanOrEqual(before - 1000);
    expect(Object.keys(hit.body)).toEqual(Object.keys(hit.body).sort((a, b) => order(a) - order(b)));
    expect(hits.some((h) => h.method === 'OPTIONS')).toBe(false);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('omits ga and ym when their cookies are absent and sends ref "" without a referrer', async () => {
    const { key, url } = page('/plain', '<p>x</p>');
    const { ctx, tab } = await open();
    await tab.goto(url);
    await poll(() => accepted(key).length).toBe(1);
    const body = accepted(key)[0]!.body;
    expect(body.ref).toBe('');
    expect('ga' in body || 'ym' in body || 'lead' in body).toBe(false);
    await ctx.close();
  });

  it('keeps one client id across page loads: cookie _lt_id, localStorage mirror, leadtrail.clientId()', async () => {
    const { key, url } = page('/cid', '<p>x</p>');
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    const cid = (await tab.evaluate('leadtrail.clientId()')) as string;
    expect(cid).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    const cookie = (await ctx.cookies(siteUrl)).find((c) => c.name === '_lt_id');
    expect(cookie?.value).toBe(cid);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.path).toBe('/');
    const yearAhead = Date.now() / 1000 + 365 * 24 * 3600;
    expect(Math.abs((cookie?.expires ?? 0) - yearAhead)).toBeLessThan(120);
    expect(await tab.evaluate('localStorage.getItem("_lt_id")')).toBe(cid);

    await tab.reload();
    await poll(() => accepted(key).length).toBe(2);
    // The cookie was lost (a browser cleaning cookies): localStorage restores it.
    await ctx.clearCookies();
    await tab.reload();
    await poll(() => accepted(key).length).toBe(3);
    expect((await ctx.cookies(siteUrl)).find((c) => c.name === '_lt_id')?.value).toBe(cid);
    expect(accepted(key).map((h) => h.body.cid)).toEqual([cid, cid, cid]);
    expect(new Set(accepted(key).map((h) => h.body.eid)).size).toBe(3);
    await ctx.close();
  });

  it('sets the cookie on the registrable domain, Secure on https (a.b.shop.co.uk → shop.co.uk)', async () => {
    const { ctx, tab } = await open();
    const seen: string[] = [];
    await ctx.route('https://a.b.shop.co.uk/**', (r) =>
      r.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: '<!doctype html><script async src="https://lt.example.com/t.js" data-site="pk_uk"></script>',
      }),
    );
    await ctx.route('https://lt.example.com/t.js', (r) =>
      r.fulfill({ contentType: 'application/javascript; charset=utf-8', body: code }),
    );
    await ctx.route('https://lt.example.com/collect', (r) => {
      seen.push(r.request().postData() ?? '');
      return r.fulfill({ status: 204, headers: { 'access-control-allow-origin': '*' } });
    });
    await tab.goto('https://a.b.shop.co.uk/catalog');
    await poll(() => seen.length).toBe(1);
    const cookies = await ctx.cookies('https://a.b.shop.co.uk/');
    const lt = cookies.filter((c) => c.name.startsWith('_lt_'));
    expect(lt).toHaveLength(1); // the probe cookie is gone
    expect(lt[0]).toMatchObject({ name: '_lt_id', domain: '.shop.co.uk', secure: true, sameSite: 'Lax' });
    expect(JSON.parse(seen[0]!).cid).toBe(lt[0]!.value);
    await ctx.close();
  });

  const formFields = `
    <label for="f-name">Ваше имя</label><input id="f-name" name="your-name">
    <label>E-mail <input type="email" name="contact"></label>
    <input type="tel" name="phone" placeholder="Телефон">
    <textarea name="msg" placeholder="Сообщение"></textarea>
    <input type="password" name="pwd" aria-label="Пароль">
    <label>Номер карты <input name="cc-number"></label>
    <input name="_csrf" type="hidden" value="csrf-secret-7a7a7a">
    <input type="hidden" name="utm" value="hidden-utm-9b9b">`;

  async function fill(tab: Page) {
    await tab.fill('input[name=your-name]', 'Иван Петров');
    await tab.fill('input[name=contact]', 'ivan.petrov@example.ru');
    await tab.fill('input[name=phone]', '+7 (912) 345-67-89');
    await tab.fill('textarea[name=msg]', 'Перезвоните после 18:00');
    await tab.fill('input[name=pwd]', 'secret-password-1');
    await tab.fill('input[name=cc-number]', '4111 1111 1111 1111');
  }

  const expectedLead = {
    email: 'ivan.petrov@example.ru',
    phone: '+7 (912) 345-67-89',
    name: 'Иван Петров',
    message: 'Перезвоните после 18:00',
  };

  function expectNoSecrets(key: string) {
    for (const h of hits.filter((x) => x.body.site === key)) {
      for (const secret of ['secret-password-1', '4111', 'csrf-secret', 'hidden-utm']) {
        expect(h.raw).not.toContain(secret);
      }
    }
  }

  it('a native form submit (then the page navigates) gives one lead with the contact fields only', async () => {
    const { key, url } = page(
      '/native',
      `<form id="callback" action="/slow-thanks" method="post">${formFields}<button>Отправить</button></form>`,
    );
    pages.set('/slow-thanks', '<p>Спасибо</p>'); // the site answers the POST after 1 s
    // The collector answers after the next page came: Chromium rejects the keepalive fetch's promise
    // when the navigation starts, yet the request goes on; a pagehide beacon would duplicate it.
    slow.set(key, 1500);
    const { ctx, tab, errors } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await fill(tab);
    await Promise.all([tab.waitForURL('**/slow-thanks'), tab.click('button')]);
    await poll(() => eids(key, 'lead')).toBe(1);
    await sleep(500);
    expect(accepted(key, 'lead')).toHaveLength(1);
    const lead = accepted(key, 'lead')[0]!.body;
    expect(lead.lead).toEqual({ ...expectedLead, form: 'callback' });
    expect(lead.url).toBe(url);
    expect(lead.cid).toBe(accepted(key, 'pageview')[0]?.body.cid);
    expectNoSecrets(key);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a form whose handler calls preventDefault and posts with fetch gives one lead', async () => {
    const { key, url } = page(
      '/ajax-form',
      `<form name="order" data-lt-form="order-form">${formFields}<button type="submit">→</button></form>
      <script>
        document.querySelector('form').addEventListener('submit', function (e) {
          e.preventDefault();
          fetch('/api/lead', { method: 'POST', body: new FormData(this) }).then(() => this.reset());
        });
      </script>`,
    );
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await fill(tab);
    await tab.click('button');
    await poll(() => siteRequests.some((r) => r.path === '/api/lead')).toBe(true);
    await poll(() => accepted(key, 'lead').length).toBe(1);
    expect(accepted(key, 'lead')[0]!.body.lead).toEqual({ ...expectedLead, form: 'order-form' });
    expect(tab.url()).toBe(url);
    await sleep(700);
    expect(accepted(key, 'lead')).toHaveLength(1);
    expectNoSecrets(key);
    await ctx.close();
  });

  it('a click on a send button and the submit that follows give exactly one lead', async () => {
    const { key, url } = page(
      '/click-submit',
      `<form id="f"><input name="email" type="email"><input name="subject" placeholder="Тема"><button type="submit">Send request</button></form>
      <script>document.forms[0].onsubmit = function (e) { e.preventDefault(); };</script>`,
    );
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await tab.fill('[name=email]', 'bridget@example.com');
    await tab.fill('[name=subject]', 'Диван');
    await tab.click('[name=email]'); // a click into a field is no submission, whatever its value says
    await sleep(300);
    expect(accepted(key, 'lead')).toHaveLength(0);
    await tab.click('button');
    await poll(() => accepted(key, 'lead').length).toBe(1);
    await sleep(700);
    expect(accepted(key, 'lead')).toHaveLength(1);
    expect(accepted(key, 'lead')[0]!.body.lead).toEqual({
      email: 'bridget@example.com',
      subject: 'Диван',
      form: 'f',
    });
    // An invalid form (the browser blocks the submit) gives nothing.
    await tab.fill('[name=email]', 'not-an-email');
    await tab.click('button');
    await sleep(700);
    expect(accepted(key, 'lead')).toHaveLength(1);
    await ctx.close();
  });

  it('a Tilda-like container without a form: the button click gives one lead', async () => {
    const { key, url } = page(
      '/tilda',
      `<div class="t-popup" id="rec123"><div class="t-form">
        <div class="t-input-group"><div class="t-input-title">Ваше имя</div><input class="t-input" name="Name"></div>
        <div class="t-input-group"><div class="t-input-title">Телефон</div><input class="t-input" name="Phone" type="tel"></div>
        <div class="t-input-group"><input class="t-input" name="Email"></div>
        <div class="t-input-group"><input class="t-input" name="tildaspec-token" value="zz-token-zz"></div>
        <div class="t-submit" role="button"><span>Записаться на консультацию</span></div>
      </div></div>
      <script>
        document.querySelector('.t-submit').addEventListener('click', function () {
          var d = [].map.call(document.querySelectorAll('.t-input'), function (i) { return i.name + '=' + encodeURIComponent(i.value); });
          var x = new XMLHttpRequest(); x.open('POST', '/api/tilda'); x.send(d.join('&'));
        });
      </script>`,
    );
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await tab.fill('[name=Name]', 'Мария');
    await tab.fill('[name=Phone]', '+7 900 000-00-01');
    await tab.fill('[name=Email]', 'maria@example.ru');
    await tab.click('.t-submit span');
    await poll(() => accepted(key, 'lead').length).toBe(1);
    expect(accepted(key, 'lead')[0]!.body.lead).toEqual({
      name: 'Мария',
      phone: '+7 900 000-00-01',
      email: 'maria@example.ru',
    }); // no form id: the key is left out
    expect(accepted(key, 'lead')[0]!.raw).not.toContain('zz-token-zz');
    await tab.click('.t-submit span'); // the same values again within seconds: the same submission
    await sleep(700);
    expect(accepted(key, 'lead')).toHaveLength(1);
    await ctx.close();
  });

  it('data-lt-ignore on a form or an ancestor opts out', async () => {
    const { key, url } = page(
      '/ignored',
      `<form data-lt-ignore><input name="email" type="email"><button>Отправить</button></form>
       <section data-lt-ignore><div class="box"><input name="phone" type="tel"><a href="#" role="button">Перезвоните мне</a></div></section>
       <script>document.forms[0].onsubmit = function (e) { e.preventDefault(); };</script>`,
    );
    const { ctx, tab } = await open();
    await tab.goto(url);
    await poll(() => accepted(key, 'pageview').length).toBe(1);
    await tab.fill('[name=email]', 'private@example.com');
    await tab.click('button');
    await tab.fill('[name=phone]', '+7 912 000 00 00');
    await tab.click('a');
    await sleep(800);
    expect(hits.filter((h) => h.body.site === key && h.body.type === 'lead')).toEqual([]);
    await ctx.close();
  });

  it('leadtrail.lead() posts a lead for custom widgets; one without e-mail or phone is ignored', async () => {
    const { key, url } = page('/api', '<p>x</p>');
    const { ctx, tab, errors } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await tab.evaluate(`(() => {
      leadtrail.lead({ name: 'Без контакта' });
      leadtrail.lead();
      leadtrail.lead(null);
      leadtrail.lead({ phone: ' +7 912 345 67 89 ', name: 'Олег', subject: 'Квиз', message: 'x'.repeat(3000), form: 'quiz', extra: 'no' });
    })()`);
    await poll(() => accepted(key, 'lead').length).toBe(1);
    expect(accepted(key, 'lead')[0]!.body.lead).toEqual({
      phone: '+7 912 345 67 89',
      name: 'Олег',
      subject: 'Квиз',
      message: 'x'.repeat(2000),
      form: 'quiz',
    });
    await sleep(500);
    expect(accepted(key, 'lead')).toHaveLength(1);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('two tags on one page make one instance and one pageview', async () => {
    const { key, url } = page('/two-tags', '<p>x</p>', { tags: 2 });
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await poll(() => accepted(key).length).toBe(1);
    await sleep(700);
    expect(accepted(key)).toHaveLength(1);
    await ctx.close();
  });

  it('still tracks pages whose own scripts throw or patch built-ins (Prototype.js toJSON, Object.prototype)', async () => {
    const { key, url } = page('/broken', '<p>x</p>', {
      head: `<script>
        Array.prototype.toJSON = function () { return JSON.stringify(this.slice()); };
        Object.prototype.each = function () {};
        window.onerror = function () { return false; };
        undefinedSiteFunction();
      </script><script>throw new Error('site bug');</script>`,
    });
    const { ctx, tab, errors } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await poll(() => accepted(key, 'pageview').length).toBe(1);
    await tab.evaluate(`leadtrail.lead({ email: 'a@example.com' })`);
    await poll(() => accepted(key, 'lead').length).toBe(1);
    expect(errors.sort()).toEqual(['site bug', 'undefinedSiteFunction is not defined']);
    await ctx.close();
  });

  it('still tracks a page that replaced window.fetch with a broken function (beacon fallback)', async () => {
    const { key, url } = page('/broken-fetch', '<p>x</p>', {
      head: `<script>window.fetch = function () { throw new TypeError('fetch is not supported'); };</script>`,
    });
    const { ctx, tab, errors } = await open();
    await tab.goto(url);
    await poll(() => accepted(key, 'pageview').length).toBe(1);
    expect(accepted(key)[0]!.contentType).toBe('text/plain;charset=UTF-8');
    expect(accepted(key)[0]!.mode).toBe('no-cors'); // sendBeacon
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('still tracks where localStorage throws (storage disabled)', async () => {
    const { key, url } = page('/no-storage', '<p>x</p>', {
      head: `<script>Object.defineProperty(window, 'localStorage', { get: function () { throw new DOMException('denied', 'SecurityError'); } });</script>`,
    });
    const { ctx, tab, errors } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await poll(() => accepted(key, 'pageview').length).toBe(1);
    expect(accepted(key)[0]!.body.cid).toBe(await tab.evaluate('leadtrail.clientId()'));
    await tab.evaluate(`leadtrail.lead({ email: 'a@example.com' })`);
    await poll(() => accepted(key, 'lead').length).toBe(1);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('retries after 503 and a dropped connection with backoff: the event arrives once, same eid', async () => {
    const { key, url } = page('/flaky', '<p>x</p>');
    script.set(key, [503, 'drop']);
    const { ctx, tab } = await open();
    await tab.goto(url);
    await poll(() => accepted(key).length, 15_000).toBe(1);
    const all = hits.filter((h) => h.body.site === key);
    expect(all.map((h) => h.status)).toEqual([503, 0, 204]);
    expect(new Set(all.map((h) => h.body.eid)).size).toBe(1);
    expect(all.map((h) => h.raw)).toEqual([all[0]!.raw, all[0]!.raw, all[0]!.raw]);
    await sleep(1000);
    expect(hits.filter((h) => h.body.site === key)).toHaveLength(3);
    expect(await tab.evaluate('localStorage.getItem("_lt_q")')).toBe('{}');
    await ctx.close();
  });

  it('offline: a lead waits in the queue and goes out once on `online`', async () => {
    const { key, url } = page('/offline', '<p>x</p>');
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await poll(() => accepted(key).length).toBe(1);
    await ctx.setOffline(true);
    await tab.evaluate(`leadtrail.lead({ email: 'offline@example.com' })`);
    await poll(() => tab.evaluate('Object.keys(JSON.parse(localStorage.getItem("_lt_q"))).length')).toBe(1);
    await sleep(2500); // the 2 s retry fails too: the next one is 4 s away
    expect(accepted(key, 'lead')).toHaveLength(0);
    await ctx.setOffline(false);
    await poll(() => accepted(key, 'lead').length, 1500).toBe(1); // sent on `online`, not by the backoff
    await sleep(700);
    expect(hits.filter((h) => h.body.site === key && h.body.type === 'lead')).toHaveLength(1);
    await ctx.close();
  });

  it('keeps at most 50 queued events, dropping the oldest', async () => {
    const { key, url } = page('/cap', '<p>x</p>');
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await poll(() => accepted(key).length).toBe(1);
    await ctx.setOffline(true);
    await tab.evaluate(`for (let i = 1; i <= 60; i++) leadtrail.lead({ email: 'n' + i + '@example.com' })`);
    const queued = (await tab.evaluate(
      'Object.values(JSON.parse(localStorage.getItem("_lt_q"))).map((e) => e.lead.email)',
    )) as string[];
    expect(queued).toHaveLength(50);
    expect(queued[0]).toBe('n11@example.com');
    expect(queued[49]).toBe('n60@example.com');
    await ctx.close();
  });

  it('an event that failed is sent again on the next page load', async () => {
    const first = page('/retry-a', '<p>a</p>');
    const second = page('/retry-b', '<p>b</p>', { key: first.key });
    const key = first.key;
    script.set(key, Array(20).fill(503)); // busy while page A is open (its retries and its pagehide beacon)
    const { ctx, tab } = await open();
    await tab.goto(first.url);
    await poll(() => hits.filter((h) => h.body.site === key).length).toBe(1);
    const lost = hits.find((h) => h.body.site === key)!.body.eid;
    await tab.close();
    await sleep(500); // page A's pagehide beacon, if any, meets the 503 too
    script.delete(key);
    expect(accepted(key)).toHaveLength(0);
    const tab2 = await ctx.newPage();
    await tab2.goto(second.url);
    await poll(() => accepted(key).length).toBe(2);
    expect(accepted(key).map((h) => [h.body.eid === lost, h.body.url])).toEqual(
      expect.arrayContaining([
        [true, first.url],
        [false, second.url],
      ]),
    );
    await ctx.close();
  });

  it('a lead made right before the page navigates away is still delivered', async () => {
    const { key, url } = page(
      '/leave',
      `<div class="form"><input name="phone" type="tel"><button type="button">Перезвоните мне</button></div>
       <script>document.querySelector('button').addEventListener('click', function () { location.href = '/bye?phone=' + encodeURIComponent(document.querySelector('input').value); });</script>`,
    );
    pages.set('/bye', '<p>bye, no tracker here</p>');
    slow.set(key, 400); // the collector answers after the page is gone
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await tab.fill('[name=phone]', '8 912 345-67-89');
    await Promise.all([tab.waitForURL('**/bye?**'), tab.click('button')]);
    await poll(() => eids(key, 'lead')).toBe(1);
    expect(accepted(key, 'lead')[0]!.body.lead).toEqual({ phone: '8 912 345-67-89' });
    await ctx.close();
  });

  it('a page prerendered by the browser sends its pageview only when shown', async () => {
    const { key, url } = page('/prerendered', '<p>x</p>', {
      head: `<script>Object.defineProperty(document, 'prerendering', { value: true, configurable: true });</script>`,
    });
    const { ctx, tab } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await sleep(500);
    expect(hits.filter((h) => h.body.site === key)).toHaveLength(0);
    await tab.evaluate(`(() => {
      Object.defineProperty(document, 'prerendering', { value: false });
      document.dispatchEvent(new Event('prerenderingchange'));
      document.dispatchEvent(new Event('prerenderingchange'));
    })()`);
    await poll(() => accepted(key).length).toBe(1);
    await sleep(500);
    expect(accepted(key)).toHaveLength(1);
    await ctx.close();
  });

  it('SPA navigations: pushState and popstate give pageviews with ref = the previous URL', async () => {
    const { key, url } = page('/spa', '<p>app</p>');
    const { ctx, tab, errors } = await open();
    await tab.goto(url);
    await trackerReady(tab);
    await poll(() => accepted(key).length).toBe(1);
    await tab.evaluate(`history.pushState({}, '', '/spa/catalog?utm_source=vk')`);
    await poll(() => accepted(key).length).toBe(2);
    expect(accepted(key)[1]!.body).toMatchObject({
      type: 'pageview',
      url: `${siteUrl}/spa/catalog?utm_source=vk`,
      ref: url,
    });
    // No pageview for a state-only replaceState or a hash change.
    await tab.evaluate(`history.replaceState({ a: 1 }, '')`);
    await tab.evaluate(`history.pushState({}, '', '#reviews')`);
    await sleep(500);
    expect(accepted(key)).toHaveLength(2);
    await tab.evaluate('history.go(-2)');
    await poll(() => accepted(key).length).toBe(3);
    expect(accepted(key)[2]!.body).toMatchObject({ url, ref: `${siteUrl}/spa/catalog?utm_source=vk` });
    // The wrapper keeps the original's return value and the page's own history calls working.
    expect(
      await tab.evaluate(`history.pushState(null, '', '/spa/x') === undefined && location.pathname`),
    ).toBe('/spa/x');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('sent every event of this file as a simple text/plain POST: no CORS preflight at all', () => {
    expect(hits.length).toBeGreaterThan(30);
    expect(hits.filter((h) => h.method !== 'POST' || h.contentType !== 'text/plain;charset=UTF-8')).toEqual(
      [],
    );
  });
});

const PROTOCOL_ORDER = [
  'v',
  'site',
  'type',
  'eid',
  'cid',
  'url',
  'ref',
  'ga',
  'ym',
  'sw',
  'sh',
  'lang',
  'ts',
  'lead',
];
const order = (k: string) => PROTOCOL_ORDER.indexOf(k);
