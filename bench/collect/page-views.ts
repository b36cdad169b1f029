import { randomBytes } from 'node:crypto';

/**
 * Realistic tracker page views: ~2,000 visitors of a furniture shop, UTM-tagged landings, internal
 * navigations, search referrers and direct visits, sent as the tracker sends them.
 */

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SITE = 'https://shop.ru';
const enc = encodeURIComponent;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

const PAGES = [
  '/',
  '/catalog/divany',
  '/catalog/divany/uglovye',
  '/catalog/divany/pryamye',
  '/catalog/krovati',
  '/catalog/shkafy-kupe',
  '/product/divan-milan-2041',
  '/product/divan-oslo-1187',
  '/product/krovat-lira-560',
  '/product/shkaf-kupe-nord-77',
  '/cart',
  '/checkout',
  '/contacts',
  '/dostavka-i-oplata',
  '/akcii',
  '/blog/kak-vybrat-divan',
  `/search?q=${enc('угловой диван')}`,
] as const;
const LANDINGS = [
  '/',
  '/catalog/divany',
  '/catalog/divany/uglovye',
  '/catalog/krovati',
  '/product/divan-milan-2041',
  '/akcii',
];

function utmLanding(): { url: string; ref: string } {
  const page = SITE + pick(LANDINGS);
  const r = Math.random();
  if (r < 0.45) {
    const campaign = pick(['диваны_москва_поиск', 'кровати_спб_рся', 'распродажа_март']);
    const term = pick(['купить угловой диван', 'диван недорого', 'кровать с подъёмным механизмом']);
    return {
      url: `${page}?utm_source=yandex&utm_medium=cpc&utm_campaign=${enc(campaign)}&utm_content=${digits(11)}&utm_term=${enc(term)}&yclid=${digits(19)}`,
      ref: 'https://yandex.ru/',
    };
  }
  if (r < 0.75) {
    const campaign = pick(['распродажа_кроватей', 'диваны_бренд', 'шкафы_купе_ремаркетинг']);
    const term = pick(['кровать двуспальная', 'шкаф купе на заказ', 'диван оттоманка']);
    return {
      url: `${page}?utm_source=google&utm_medium=cpc&utm_campaign=${enc(campaign)}&utm_term=${enc(term)}&gclid=${randomBytes(30).toString('base64url')}`,
      ref: 'https://www.google.com/',
    };
  }
  const campaign = pick(['весенняя_акция', 'новая_коллекция', 'конкурс_подписчиков']);
  return {
    url: `${page}?utm_source=vk&utm_medium=social&utm_campaign=${enc(campaign)}&utm_content=${enc(pick(['карусель_диваны', 'сторис_кровати']))}`,
    ref: pick(['https://vk.com/', 'https://m.vk.com/', '']),
  };
}

interface Visitor {
  cid: string;
  ip: string;
  ga?: string;
  ym?: string;
  screen: [number, number];
  last: string | null;
}

const SCREENS: Array<[number, number]> = [
  [1920, 1080],
  [1536, 864],
  [1366, 768],
  [2560, 1440],
  [1440, 900],
];
/** Public ranges of Russian ISPs (Rostelecom, MTS, Beeline, MegaFon, ER-Telecom…): real GeoIP hits. */
const NETS = ['95.24', '178.66', '188.162', '5.18', '46.39', '85.140', '176.59', '213.87', '31.173', '91.77'];
const visitors: Visitor[] = Array.from({ length: 2000 }, () => ({
  cid: randomBytes(16).toString('base64url'),
  ip: `${pick(NETS)}.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`,
  ga: Math.random() < 0.4 ? `${digits(10)}.${digits(10)}` : undefined,
  ym: Math.random() < 0.55 ? digits(19) : undefined,
  screen: pick(SCREENS),
  last: null,
}));

const eidPrefix = randomBytes(6).toString('base64url');
let eidCounter = 0;

/** One page view: a fresh random-looking eid (a counter keeps it unique), a visitor, a page. */
export function pageView(siteKey: string): { eid: string; body: string; ip: string; url: string } {
  const v = pick(visitors);
  const r = Math.random();
  let url: string;
  let ref: string;
  if (v.last && r < 0.5) {
    url = SITE + pick(PAGES); // internal navigation from the previous page
    ref = v.last;
  } else if (r < 0.7) {
    ({ url, ref } = utmLanding());
  } else if (r < 0.85) {
    url = SITE + pick(LANDINGS); // organic search
    ref = pick(['https://www.google.com/', 'https://yandex.ru/', 'https://ya.ru/']);
  } else {
    url = SITE + pick(LANDINGS); // direct
    ref = '';
  }
  v.last = url;
  const eid = `${randomBytes(9).toString('base64url')}${eidPrefix}${(eidCounter++).toString(36)}`;
  const body: Record<string, unknown> = { v: 1, site: siteKey, type: 'pageview', eid, cid: v.cid, url, ref };
  if (v.ga) body.ga = v.ga;
  if (v.ym) body.ym = v.ym;
  body.sw = v.screen[0];
  body.sh = v.screen[1];
  body.lang = 'ru-RU';
  body.ts = Date.now();
  return { eid, body: JSON.stringify(body), ip: v.ip, url };
}

export const BASE_HEADERS = {
  'content-type': 'text/plain;charset=UTF-8',
  origin: SITE,
  'user-agent': CHROME_UA,
  accept: '*/*',
  'accept-language': 'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7',
  'sec-fetch-mode': 'no-cors',
  'sec-fetch-site': 'cross-site',
};
