// One file over 400 lines: one concern, form capture; each real-world page shape beside the cases using it.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadJson } from '../../src/leads/serialize.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

// Headless Chromium says "HeadlessChrome", which is (rightly) a bot; a visitor's browser does not.
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const JQUERY = readFileSync(createRequire(import.meta.url).resolve('jquery/dist/jquery.min.js'), 'utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Forms as real sites build them (issue 10): whatever the button says, a lead is made when the page
 * sends the visitor's e-mail or phone after a click, and never for a button that sends nothing of them.
 */
const PAGES: Record<string, string> = {
  // A popup form: onsubmit="return false", a type=button «Жду звонка» posting FormData by XHR.
  '/modal': `<button id="open" type="button">Заказать звонок</button>
    <div id="modal" hidden><form id="callme" onsubmit="return false">
      <input name="name" placeholder="Ваше имя"><input name="phone" type="tel" placeholder="Телефон">
      <button type="button" id="wait">Жду звонка</button></form><p id="ok" hidden>Ждите звонка</p></div>
    <script>
      document.getElementById('open').onclick = function () { document.getElementById('modal').hidden = false; };
      document.getElementById('wait').addEventListener('click', function () {
        var x = new XMLHttpRequest();
        x.open('POST', '/api/callback');
        x.onload = function () { document.getElementById('ok').hidden = false; };
        x.send(new FormData(document.getElementById('callme')));
      });
    </script>`,
  // A site-builder block without <form>: jQuery $.ajax from a link; the phone sent as bare digits.
  '/jquery': `<script src="/jquery.min.js"></script>
    <div class="t-block"><div class="t-form">
      <div class="t-input-group"><input class="t-input" name="Phone" placeholder="+7 (000) 000-00-00"></div>
      <div class="t-input-group"><input class="t-input" name="Email" placeholder="Ваш e-mail"></div>
      <a href="#" class="t-btn" id="discount">Хочу скидку</a></div></div><p id="ok" style="display:none">Скидка ваша</p>
    <script>
      $('#discount').on('click', function (e) {
        e.preventDefault();
        $.ajax({ url: '/api/discount', method: 'POST',
          data: { phone: $('[name=Phone]').val().replace(/\\D/g, ''), email: $('[name=Email]').val().toLowerCase() },
          success: function () { $('#ok').show(); } });
      });
    </script>`,
  // React-style: state from input events, fetch JSON from the button's onClick with preventDefault.
  '/react': `<div id="root"><form class="signup">
      <input name="email" type="email" placeholder="Email"><input name="phone" type="tel" placeholder="Phone">
      <button id="go">Go</button></form><p id="ok" hidden>Thanks</p></div>
    <script>
      var state = {};
      document.querySelector('.signup').addEventListener('input', function (e) { state[e.target.name] = e.target.value; });
      document.getElementById('go').addEventListener('click', function (e) {
        e.preventDefault();
        fetch('/api/signup', { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: state.email, phone: '+' + state.phone.replace(/\\D/g, '') }) })
          .then(function () { document.getElementById('ok').hidden = false; });
      });
    </script>`,
  // ky and RTK Query hand fetch a Request, whose body is a stream.
  '/request': `<form class="lead"><input name="phone" type="tel" placeholder="Телефон">
      <button type="button" id="go">Хочу консультацию</button></form><p id="ok" hidden>Спасибо</p>
    <script>
      document.getElementById('go').addEventListener('click', function () {
        var body = JSON.stringify({ phone: document.querySelector('[name=phone]').value.replace(/\\D/g, '') });
        fetch(new Request('/api/request', { method: 'POST', headers: { 'content-type': 'application/json' }, body: body }))
          .then(function () { document.getElementById('ok').hidden = false; });
      });
    </script>`,
  // An icon-only button (no text, no aria-label) in a footer block, sent with sendBeacon(FormData).
  '/icon': `<footer><div class="subscribe"><input name="mail" type="email" placeholder="E-mail">
      <button type="button" class="send"><svg width="24" height="24" viewBox="0 0 24 24"><path d="M2 21l21-9L2 3v7l15 2-15 2z"/></svg></button>
      </div><p id="ok" hidden>OK</p></footer>
    <script>
      document.querySelector('.send').addEventListener('click', function () {
        var d = new FormData();
        d.append('subscriber', document.querySelector('[name=mail]').value);
        navigator.sendBeacon('/api/subscribe', d);
        document.getElementById('ok').hidden = false;
      });
    </script>`,
  // B2B: «Название компании» (its name has "name" in it) in a form sent by fetch from its submit handler.
  '/b2b': `<form id="kp"><label>Ваше имя <input name="fio"></label>
      <label>Название компании <input name="company_name"></label>
      <label>E-mail <input name="email" type="email"></label>
      <button type="submit">Запросить КП</button></form><p id="ok" hidden>Отправлено</p>
    <script>
      document.getElementById('kp').addEventListener('submit', function (e) {
        e.preventDefault();
        fetch('/api/kp', { method: 'POST', body: new URLSearchParams(new FormData(e.target)) })
          .then(function () { document.getElementById('ok').hidden = false; });
      });
    </script>`,
  // A button that only opens a modal (terms) inside a filled form.
  '/opens': `<form id="f"><input name="phone" type="tel" placeholder="Телефон">
      <button type="button" id="more">Узнать подробнее</button></form>
    <div id="terms" hidden>Условия акции</div>
    <script>document.getElementById('more').onclick = function () { document.getElementById('terms').hidden = false; };</script>`,
  // Buttons that validate and show an error, sending nothing.
  '/validate': `<form id="f" novalidate><input name="email" type="email" placeholder="E-mail">
      <input name="phone" type="tel" placeholder="Телефон"><label><input type="checkbox" id="agree"> Согласен</label>
      <button type="button" id="check">Проверить</button><button type="button" id="send">Отправить</button>
      <p id="err" hidden>Ошибка</p></form>
    <script>
      document.getElementById('check').onclick = function () {
        document.getElementById('err').textContent = 'Номер должен быть из 11 цифр';
        document.getElementById('err').hidden = false;
      };
      document.getElementById('send').onclick = function () {
        if (!document.getElementById('agree').checked) {
          document.getElementById('err').textContent = 'Примите условия';
          document.getElementById('err').hidden = false;
          return;
        }
        fetch('/api/send', { method: 'POST', body: new FormData(document.getElementById('f')) });
      };
    </script>`,
  // A calculator whose button counts itself in the site's stats: a request, but not carrying the values.
  '/counter': `<form id="calc"><input name="area" placeholder="Площадь, м²"><input name="phone" type="tel" placeholder="Телефон">
      <button type="button" id="calc-btn">Рассчитать</button><p id="price"></p></form>
    <script>
      document.getElementById('calc-btn').onclick = function () {
        fetch('/api/stats?click=1&area=' + document.querySelector('[name=area]').value);
        document.getElementById('price').textContent = 'от 15 000 ₽';
      };
    </script>`,
  // The submit event fires and the submit handler also sends the values by fetch.
  '/both': `<form id="both"><input name="name" placeholder="Имя"><input name="phone" type="tel" placeholder="Телефон">
      <button type="submit">Отправить</button></form><p id="ok" hidden>Спасибо</p>
    <script>
      document.getElementById('both').addEventListener('submit', function (e) {
        e.preventDefault();
        fetch('/api/both', { method: 'POST', body: JSON.stringify({ phone: e.target.phone.value }) })
          .then(function () { document.getElementById('ok').hidden = false; });
      });
    </script>`,
  // Every click sends twice (the site's API and its analytics), a visitor double-clicks.
  '/twice': `<div class="lead-box"><input name="phone" type="tel" placeholder="Телефон">
      <button type="button" id="go">→</button></div><p id="ok" hidden>Спасибо</p>
    <script>
      var n = 0;
      document.getElementById('go').addEventListener('click', function () {
        var p = document.querySelector('[name=phone]').value;
        fetch('/api/lead', { method: 'POST', body: JSON.stringify({ phone: p }) });
        navigator.sendBeacon('/api/metrics', 'goal=lead&phone=' + encodeURIComponent(p));
        document.getElementById('ok').hidden = false;
        document.getElementById('ok').textContent = String(++n);
      });
    </script>`,
  // Navigations: location assigned to a URL carrying the phone; form.submit() (no submit event).
  '/goto': `<form id="f"><input name="phone" type="tel" placeholder="Телефон">
      <button type="button" id="go">Позвоните мне</button></form>
    <script>
      document.getElementById('go').onclick = function () {
        location.href = '/thanks?tel=' + encodeURIComponent(document.querySelector('[name=phone]').value);
      };
    </script>`,
  '/post': `<form id="f" method="post" action="/thanks"><input name="email" type="email" placeholder="E-mail">
      <button type="button" id="go">Жду звонка</button></form>
    <script>document.getElementById('go').onclick = function () { document.getElementById('f').submit(); };</script>`,
  '/thanks': '<h1>Спасибо</h1>',
};

interface SiteRequest {
  method: string;
  url: string;
  body: string;
}

describe.skipIf(!browserAvailable)('form capture on real-world form shapes in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let site: Server;
  let origin = '';
  let owner: ApiClient;
  let projectId = '';
  let context: BrowserContext;
  const siteRequests: SiteRequest[] = [];
  /** every lead event the tracker posted to /collect (a retry repeats an eid) */
  const sent: { eid: string; lead: Record<string, string> }[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
    owner = (await signUp(server.url)).client;
    const p = await owner.post<{ id: string; snippet: string }>('/api/v1/projects', {
      name: 'Формы',
      domains: ['localhost'],
    });
    projectId = p.body.id;
    site = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (path === '/jquery.min.js') {
          res.writeHead(200, { 'content-type': 'application/javascript' });
          return res.end(JQUERY);
        }
        if (path.startsWith('/api/') || req.method === 'POST') {
          siteRequests.push({ method: req.method ?? '', url: req.url ?? '', body });
        }
        const html = PAGES[path];
        if (html === undefined) {
          res.writeHead(path.startsWith('/api/') ? 200 : 404, { 'content-type': 'application/json' });
          return res.end('{}');
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${path}</title>${p.body.snippet}</head><body>${html}</body></html>`,
        );
      });
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    origin = `http://localhost:${(site.address() as AddressInfo).port}`;
    context = await browser.newContext({ userAgent: DESKTOP_UA, locale: 'ru-RU' });
    context.on('request', (r) => {
      if (r.url() !== `${server.url}/collect`) return;
      try {
        const e = JSON.parse(r.postData() ?? '') as {
          type?: string;
          eid: string;
          lead: Record<string, string>;
        };
        if (e.type === 'lead') sent.push({ eid: e.eid, lead: e.lead });
      } catch {}
    });
  });
  afterAll(async () => {
    await browser?.close();
    site?.closeAllConnections();
    await new Promise((r) => site?.close(r));
    await server?.close();
  });

  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}${path}`);
    await page.waitForFunction('window.leadtrail && typeof window.leadtrail.clientId === "function"');
    return { page, errors };
  }

  /** The leads the tracker sent (distinct events) whose e-mail or phone contains `v`. */
  const sentWith = (v: string) =>
    new Map(sent.filter((s) => `${s.lead.email} ${s.lead.phone}`.includes(v)).map((s) => [s.eid, s.lead]));

  async function storedLeads(): Promise<LeadJson[]> {
    return (await owner.get<{ items: LeadJson[] }>(`/api/v1/projects/${projectId}/leads`)).body.items;
  }

  /** Exactly one lead with this e-mail or (normalised) phone reached the server, and one was sent. */
  async function oneLead(key: { email?: string; phone?: string }, typed: string): Promise<LeadJson> {
    const mine = (l: LeadJson) =>
      (key.email && l.contact.email === key.email) || (key.phone && l.contact.phone === key.phone);
    const first = await until(`a lead with ${typed}`, async () => (await storedLeads()).find(mine), 10_000);
    await sleep(700); // a second event, if the tracker sent one, would be on its way by now
    expect(sentWith(typed).size).toBe(1);
    expect((await storedLeads()).filter(mine)).toHaveLength(1);
    return first;
  }

  /** Nothing was sent for `typed`, a second after the page did all it does. */
  async function noLead(typed: string): Promise<void> {
    await sleep(1000);
    expect([...sentWith(typed).values()]).toEqual([]);
  }

  it('a modal with onsubmit="return false" and a type=button «Жду звонка» sent by XHR', async () => {
    const { page, errors } = await open('/modal');
    await page.click('#open');
    await page.getByPlaceholder('Ваше имя').fill('Ольга');
    await page.getByPlaceholder('Телефон').fill('+7 (912) 345-67-89');
    await page.getByRole('button', { name: 'Жду звонка' }).click();
    await page.locator('#ok').waitFor();
    const lead = await oneLead({ phone: '+79123456789' }, '+7 (912) 345-67-89');
    expect(lead.contact).toEqual({ email: null, phone: '+79123456789', name: 'Ольга', company: null });
    expect(lead.page).toBe(`${origin}/modal`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a site-builder block without <form>: jQuery $.ajax from a link «Хочу скидку»', async () => {
    const { page, errors } = await open('/jquery');
    await page.getByPlaceholder('+7 (000) 000-00-00').fill('8 (903) 111-22-33');
    await page.getByPlaceholder('Ваш e-mail').fill('Ivan.Petrov@Example.RU');
    await page.getByRole('link', { name: 'Хочу скидку' }).click();
    await page.locator('#ok').waitFor();
    // the site got the phone as bare digits and the e-mail lower-cased
    expect(siteRequests.find((r) => r.url === '/api/discount')?.body).toBe(
      'phone=89031112233&email=ivan.petrov%40example.ru',
    );
    const lead = await oneLead({ phone: '+79031112233' }, '8 (903) 111-22-33');
    expect(lead.contact).toEqual({
      email: 'ivan.petrov@example.ru',
      phone: '+79031112233',
      name: null,
      company: null,
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a React-style controlled form: native value setter, input events, fetch JSON from onClick «Go»', async () => {
    const { page, errors } = await open('/react');
    // as React's test utilities and autofill do: the native setter, then an input event
    await page.evaluate(`(() => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      for (const [name, v] of [['email', 'anna@example.com'], ['phone', '+7 916 555-44-33']]) {
        const el = document.querySelector('[name=' + name + ']');
        set.call(el, v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
    })()`);
    await page.getByRole('button', { name: 'Go' }).click();
    await page.locator('#ok').waitFor();
    expect(siteRequests.find((r) => r.url === '/api/signup')?.body).toBe(
      '{"email":"anna@example.com","phone":"+79165554433"}',
    );
    const lead = await oneLead({ email: 'anna@example.com' }, 'anna@example.com');
    expect(lead.contact).toEqual({
      email: 'anna@example.com',
      phone: '+79165554433',
      name: null,
      company: null,
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fetch given a Request object (ky, RTK Query): its body is read from a copy', async () => {
    const { page, errors } = await open('/request');
    await page.getByPlaceholder('Телефон').fill('+7 (926) 700-80-90');
    await page.getByRole('button', { name: 'Хочу консультацию' }).click();
    await page.locator('#ok').waitFor();
    expect(siteRequests.find((r) => r.url === '/api/request')?.body).toBe('{"phone":"79267008090"}');
    const lead = await oneLead({ phone: '+79267008090' }, '+7 (926) 700-80-90');
    expect(lead.contact).toEqual({ email: null, phone: '+79267008090', name: null, company: null });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an icon-only button (an <svg>, no text) sending FormData with sendBeacon', async () => {
    const { page, errors } = await open('/icon');
    await page.getByPlaceholder('E-mail').fill('news.reader@example.org');
    await page.click('.send svg');
    await page.locator('#ok').waitFor();
    const lead = await oneLead({ email: 'news.reader@example.org' }, 'news.reader@example.org');
    expect(lead.contact).toEqual({
      email: 'news.reader@example.org',
      phone: null,
      name: null,
      company: null,
    });
    expect(siteRequests.some((r) => r.url === '/api/subscribe' && r.body.includes('news.reader@'))).toBe(
      true,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a B2B form: «Название компании» is sent as the lead’s company', async () => {
    const { page, errors } = await open('/b2b');
    await page.getByLabel('Ваше имя').fill('Сергей Ким');
    await page.getByLabel('Название компании').fill('ООО «Вектор»');
    await page.getByLabel('E-mail').fill('kim@vector.example');
    await page.getByRole('button', { name: 'Запросить КП' }).click();
    await page.locator('#ok').waitFor();
    const lead = await oneLead({ email: 'kim@vector.example' }, 'kim@vector.example');
    expect(lead.contact).toMatchObject({
      email: 'kim@vector.example',
      name: 'Сергей Ким',
      company: 'ООО «Вектор»',
    });
    expect([...sentWith('kim@vector.example').values()]).toEqual([
      { email: 'kim@vector.example', name: 'Сергей Ким', company: 'ООО «Вектор»', form: 'kp' },
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('no lead for a button that only opens a modal in a filled form', async () => {
    const { page } = await open('/opens');
    await page.getByPlaceholder('Телефон').fill('+7 999 000-00-01');
    await page.getByRole('button', { name: 'Узнать подробнее' }).click();
    await page.locator('#terms').waitFor();
    await noLead('+7 999 000-00-01');
    await page.close();
  });

  it('no lead for buttons that validate, show an error and send nothing', async () => {
    const { page } = await open('/validate');
    await page.getByPlaceholder('E-mail').fill('validate.me@example.ru');
    await page.getByPlaceholder('Телефон').fill('+7 999 000-00');
    await page.getByRole('button', { name: 'Проверить' }).click();
    await page.locator('#err').waitFor();
    await page.getByRole('button', { name: 'Отправить' }).click();
    await expect.poll(() => page.textContent('#err')).toBe('Примите условия');
    await noLead('validate.me@example.ru');
    expect(siteRequests.some((r) => r.url === '/api/send')).toBe(false);
    await page.close();
  });

  it('no lead for a button whose request does not carry the values (a click counter)', async () => {
    const { page } = await open('/counter');
    await page.getByPlaceholder('Площадь, м²').fill('42');
    await page.getByPlaceholder('Телефон').fill('+7 999 000-00-02');
    await page.getByRole('button', { name: 'Рассчитать' }).click();
    await until('the stats request', async () => siteRequests.some((r) => r.url.startsWith('/api/stats')));
    await noLead('+7 999 000-00-02');
    await page.close();
  });

  it('one lead when the submit event fires and the page also sends the values', async () => {
    const { page } = await open('/both');
    await page.getByPlaceholder('Имя').fill('Пётр');
    await page.getByPlaceholder('Телефон').fill('+7 921 765-43-21');
    await page.getByRole('button', { name: 'Отправить' }).click();
    await page.locator('#ok').waitFor();
    const lead = await oneLead({ phone: '+79217654321' }, '+7 921 765-43-21');
    expect(lead.contact).toEqual({ email: null, phone: '+79217654321', name: 'Пётр', company: null });
    await page.close();
  });

  it('one lead for a double click, each click sending the values twice (API and a beacon)', async () => {
    const { page } = await open('/twice');
    await page.getByPlaceholder('Телефон').fill('+7 (985) 222-33-44');
    await page.dblclick('#go');
    await expect.poll(() => page.textContent('#ok')).toBe('2');
    await oneLead({ phone: '+79852223344' }, '+7 (985) 222-33-44');
    expect(siteRequests.filter((r) => r.body.includes('985')).length).toBe(4);
    await page.close();
  });

  it('a navigation carrying the values: location assigned from a click handler', async () => {
    const { page } = await open('/goto');
    await page.getByPlaceholder('Телефон').fill('+7 912 000-11-22');
    await page.getByRole('button', { name: 'Позвоните мне' }).click();
    await page.waitForURL('**/thanks?**');
    await oneLead({ phone: '+79120001122' }, '+7 912 000-11-22');
    await page.close();
  });

  it('a navigation carrying the values: form.submit() from a type=button (no submit event)', async () => {
    const { page } = await open('/post');
    await page.getByPlaceholder('E-mail').fill('posted@example.ru');
    await page.getByRole('button', { name: 'Жду звонка' }).click();
    await page.waitForURL('**/thanks');
    expect(siteRequests.some((r) => r.method === 'POST' && r.body === 'email=posted%40example.ru')).toBe(
      true,
    );
    await oneLead({ email: 'posted@example.ru' }, 'posted@example.ru');
    await page.close();
  });
});
