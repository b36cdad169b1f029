import { createServer, type Server } from 'node:http';

/**
 * A small shop site on its own origin (http://localhost:<port>) with the Leadtrail snippet, the
 * way a customer installs it: pages to browse, a native form, a form sent by fetch, a page whose
 * own scripts throw.
 */
export async function startTestSite(
  snippet: string,
): Promise<{ origin: string; orders: string[]; close(): Promise<void> }> {
  const orders: string[] = [];
  const page = (title: string, body: string, head = '') =>
    `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${title}</title>${head}${snippet}</head><body><h1>${title}</h1>${body}</body></html>`;
  const pages: Record<string, string> = {
    '/': page('Диваны', '<a id="to-sofas" href="/sofas">Каталог</a>'),
    '/sofas': page('Каталог', '<a id="to-sofa" href="/sofas/1">Диван «Уют»</a>'),
    '/sofas/1': page('Диван «Уют»', '<a id="to-contact" href="/contact">Заказать</a>'),
    '/contact': page(
      'Обратный звонок',
      `<form id="callback" action="/thanks" method="post">
        <label for="n">Ваше имя</label><input id="n" name="name">
        <label for="e">E-mail</label><input id="e" name="email" type="email">
        <label for="p">Телефон</label><input id="p" name="phone" type="tel">
        <label for="m">Комментарий</label><textarea id="m" name="comment"></textarea>
        <input type="hidden" name="csrf_token" value="secret-csrf-value">
        <label for="pw">Пароль</label><input id="pw" name="password" type="password">
        <button type="submit">Отправить</button>
      </form>`,
    ),
    '/order': page(
      'Заказ',
      `<form id="order"><label>Имя <input name="fio"></label><label>Телефон <input name="tel" type="tel"></label>
        <label>Почта <input name="mail" placeholder="Ваш e-mail"></label>
        <button type="submit">Оформить заказ</button></form><p id="done" hidden>Спасибо!</p>
       <script>
         document.getElementById('order').addEventListener('submit', function (e) {
           e.preventDefault();
           fetch('/api/order', { method: 'POST', body: new FormData(e.target) })
             .then(function () { document.getElementById('done').hidden = false; });
         });
       </script>`,
    ),
    '/broken': page(
      'Сломанная страница',
      `<button id="count" onclick="this.textContent = String(Number(this.textContent) + 1)">0</button>
       <script>undefinedFunctionOfTheSite(); </script>`,
      '<script>window.onerror = null; throw new Error("site script failed before the tracker");</script>',
    ),
    '/thanks': page('Спасибо', '<p>Мы перезвоним.</p>'),
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        orders.push(body);
        if (path === '/thanks') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(pages['/thanks']);
        } else {
          res.writeHead(204);
          res.end();
        }
      });
      return;
    }
    const html = pages[path];
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return {
    origin: `http://localhost:${addr.port}`,
    orders,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
