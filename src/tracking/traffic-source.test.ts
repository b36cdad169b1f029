// One file over 400 lines: tables of referrer and UTM cases for one function, classifyTraffic.
import { describe, expect, it } from 'vitest';
import { touch } from '../../test/helpers/touch.js';
import { type Classified, classifyTraffic, DIRECT, touchLabel } from './traffic-source.js';

const SITE = ['shop.ru', 'xn--80aairftm.xn--p1ai'];
const PAGE = 'https://shop.ru/catalog/sofas';

const CONTINUATION: Classified = { kind: 'continuation' };

describe('classifyTraffic', () => {
  it.each<[string, string, string, Classified]>([
    // --- UTM tags win over everything
    [
      'Yandex Direct: UTM with Cyrillic term and a yclid',
      `${PAGE}?utm_source=yandex&utm_medium=cpc&utm_campaign=%D0%94%D0%B8%D0%B2%D0%B0%D0%BD%D1%8B_%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&utm_content=ad_123&utm_term=%D0%BA%D1%83%D0%BF%D0%B8%D1%82%D1%8C+%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD&yclid=7284958123`,
      'https://yandex.ru/',
      touch('yandex', 'cpc', {
        campaign: 'Диваны_Москва',
        content: 'ad_123',
        term: 'купить диван',
        clickId: { type: 'yclid', value: '7284958123' },
      }),
    ],
    [
      'utm_source and utm_medium are lower-cased and trimmed, campaign keeps its case',
      `${PAGE}?utm_source=%20Yandex%20&utm_medium=CPC&utm_campaign=Summer%20SALE`,
      '',
      touch('yandex', 'cpc', { campaign: 'Summer SALE' }),
    ],
    [
      'raw (unescaped) Cyrillic in the query',
      `${PAGE}?utm_source=Яндекс&utm_medium=Контекст&utm_term=Диван угловой`,
      '',
      touch('яндекс', 'контекст', { term: 'Диван угловой' }),
    ],
    [
      'utm_term encoded in Windows-1251 by an old CMS',
      `${PAGE}?utm_source=partner&utm_medium=banner&utm_term=%EA%F3%EF%E8%F2%FC+%E4%E8%E2%E0%ED`,
      '',
      touch('partner', 'banner', { term: 'купить диван' }),
    ],
    [
      'a stray percent sign stays as it is',
      `${PAGE}?utm_source=email&utm_medium=newsletter&utm_campaign=sale-50%&utm_content=%D1%81%D0%BA%D0%B8%D0%B4%D0%BA%D0%B0%`,
      '',
      touch('email', 'newsletter', { campaign: 'sale-50%', content: 'скидка%' }),
    ],
    [
      'utm_source without utm_medium → (not set)',
      `${PAGE}?utm_source=newsletter`,
      '',
      touch('newsletter', '(not set)'),
    ],
    [
      'blank UTM values count as absent',
      `${PAGE}?utm_source=google&utm_medium=&utm_campaign=%20`,
      '',
      touch('google', '(not set)'),
    ],
    [
      'a blank utm_source is no UTM at all',
      `${PAGE}?utm_source=&utm_medium=cpc`,
      '',
      touch('(direct)', '(none)'),
    ],
    [
      'the first of repeated parameters wins',
      `${PAGE}?utm_source=vk&utm_source=google&utm_medium=cpc`,
      '',
      touch('vk', 'cpc', { socialNetwork: 'vk' }),
    ],
    ['upper-case parameter names', `${PAGE}?UTM_SOURCE=Google&UTM_MEDIUM=CPC`, '', touch('google', 'cpc')],
    [
      'UTM after the hash is not read (it never reaches the server in a link)',
      `${PAGE}#utm_source=vk&utm_medium=social`,
      '',
      touch('(direct)', '(none)'),
    ],
    [
      'UTM wins over a search referrer',
      `${PAGE}?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KCQiA`,
      'https://www.google.com/',
      touch('google', 'cpc', { campaign: 'brand', clickId: { type: 'gclid', value: 'Cj0KCQiA' } }),
    ],
    [
      'UTM wins over an internal referrer (a tagged internal link is a new touch)',
      `${PAGE}?utm_source=banner&utm_medium=internal`,
      'https://shop.ru/',
      touch('banner', 'internal'),
    ],
    [
      'VK Ads: utm_source vk names the network',
      `${PAGE}?utm_source=vk&utm_medium=cpc&utm_campaign=%D0%92%D0%B5%D1%81%D0%BD%D0%B0`,
      'https://away.vk.com/',
      touch('vk', 'cpc', { campaign: 'Весна', socialNetwork: 'vk' }),
    ],
    [
      'utm_source=ig',
      `${PAGE}?utm_source=ig&utm_medium=paid`,
      '',
      touch('ig', 'paid', { socialNetwork: 'instagram' }),
    ],
    [
      'utm_source=vkontakte',
      `${PAGE}?utm_source=vkontakte&utm_medium=cpc`,
      '',
      touch('vkontakte', 'cpc', { socialNetwork: 'vk' }),
    ],
    [
      'utm_source=tg',
      `${PAGE}?utm_source=tg&utm_medium=post`,
      '',
      touch('tg', 'post', { socialNetwork: 'telegram' }),
    ],
    [
      'utm_source=odnoklassniki',
      `${PAGE}?utm_source=Odnoklassniki&utm_medium=cpm`,
      '',
      touch('odnoklassniki', 'cpm', { socialNetwork: 'ok' }),
    ],
    [
      'utm_source as a network host',
      `${PAGE}?utm_source=l.instagram.com&utm_medium=social`,
      '',
      touch('l.instagram.com', 'social', { socialNetwork: 'instagram' }),
    ],
    [
      'utm_source names no network, but the referrer is one',
      `${PAGE}?utm_source=blogger_ivan&utm_medium=influencer`,
      'https://t.me/',
      touch('blogger_ivan', 'influencer', { socialNetwork: 'telegram' }),
    ],

    // --- click ids
    [
      'yclid alone → yandex / cpc',
      `${PAGE}?yclid=123456789`,
      'https://yandex.ru/',
      touch('yandex', 'cpc', { clickId: { type: 'yclid', value: '123456789' } }),
    ],
    [
      'gclid alone → google / cpc',
      `${PAGE}?gclid=EAIaIQobChMI`,
      '',
      touch('google', 'cpc', { clickId: { type: 'gclid', value: 'EAIaIQobChMI' } }),
    ],
    [
      'gbraid counts as gclid',
      `${PAGE}?gbraid=0AAAAADx`,
      '',
      touch('google', 'cpc', { clickId: { type: 'gclid', value: '0AAAAADx' } }),
    ],
    [
      'wbraid counts as gclid',
      `${PAGE}?wbraid=CkEKCQ`,
      '',
      touch('google', 'cpc', { clickId: { type: 'gclid', value: 'CkEKCQ' } }),
    ],
    [
      'fbclid → facebook / cpc',
      `${PAGE}?fbclid=IwAR2xyz`,
      'https://l.facebook.com/',
      touch('facebook', 'cpc', { socialNetwork: 'facebook', clickId: { type: 'fbclid', value: 'IwAR2xyz' } }),
    ],
    [
      'fbclid from Instagram keeps the referrer network',
      `${PAGE}?fbclid=PAZXh0bgNhZW0`,
      'https://l.instagram.com/',
      touch('facebook', 'cpc', {
        socialNetwork: 'instagram',
        clickId: { type: 'fbclid', value: 'PAZXh0bgNhZW0' },
      }),
    ],
    [
      'a click id beats an internal referrer',
      `${PAGE}?gclid=abc`,
      'https://shop.ru/',
      touch('google', 'cpc', { clickId: { type: 'gclid', value: 'abc' } }),
    ],
    [
      'ysclid (Yandex search adds it to organic links) is no ad click',
      `${PAGE}?ysclid=lx1abc123`,
      'https://yandex.ru/',
      touch('yandex', 'organic'),
    ],

    // --- search engines
    [
      'Yandex search with a query',
      PAGE,
      'https://yandex.ru/search/?text=%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD&lr=213',
      touch('yandex', 'organic'),
    ],
    ['ya.ru', PAGE, 'https://ya.ru/', touch('yandex', 'organic')],
    ['yandex.kz', PAGE, 'https://yandex.kz/', touch('yandex', 'organic')],
    ['yandex.com.tr', PAGE, 'https://yandex.com.tr/search/?text=kanepe', touch('yandex', 'organic')],
    ['Google', PAGE, 'https://www.google.com/', touch('google', 'organic')],
    ['google.ru', PAGE, 'https://www.google.ru/', touch('google', 'organic')],
    ['google.co.uk', PAGE, 'https://www.google.co.uk/', touch('google', 'organic')],
    [
      'google.com.tr, upper-case with a port',
      PAGE,
      'HTTPS://WWW.GOOGLE.COM.TR:443/',
      touch('google', 'organic'),
    ],
    [
      'the Google app on Android',
      PAGE,
      'android-app://com.google.android.googlequicksearchbox/https/www.google.com',
      touch('google', 'organic'),
    ],
    ['Gmail is no search engine', PAGE, 'https://mail.google.com/', touch('mail.google.com', 'referral')],
    ['Bing', PAGE, 'https://www.bing.com/search?q=sofa', touch('bing', 'organic')],
    [
      'Mail.ru search',
      PAGE,
      'https://go.mail.ru/search?q=%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD',
      touch('mail.ru', 'organic'),
    ],
    ['Mail.ru webmail is a referral', PAGE, 'https://e.mail.ru/inbox/', touch('e.mail.ru', 'referral')],
    ['DuckDuckGo', PAGE, 'https://duckduckgo.com/', touch('duckduckgo', 'organic')],
    ['Rambler search', PAGE, 'https://nova.rambler.ru/search?query=divan', touch('rambler', 'organic')],
    ['Yahoo (a country subdomain)', PAGE, 'https://uk.search.yahoo.com/', touch('yahoo', 'organic')],
    ['Baidu', PAGE, 'https://www.baidu.com/link?url=abc', touch('baidu', 'organic')],
    ['Ecosia', PAGE, 'https://www.ecosia.org/', touch('ecosia', 'organic')],
    ['Brave Search', PAGE, 'https://search.brave.com/', touch('brave', 'organic')],

    // --- social networks
    ['VK', PAGE, 'https://vk.com/', touch('vk.com', 'social', { socialNetwork: 'vk' })],
    ['VK mobile', PAGE, 'https://m.vk.com/wall-1_2', touch('vk.com', 'social', { socialNetwork: 'vk' })],
    [
      'VK link redirector away.vk.com',
      PAGE,
      'https://away.vk.com/away.php?to=https%3A%2F%2Fshop.ru',
      touch('vk.com', 'social', { socialNetwork: 'vk' }),
    ],
    ['vk.ru', PAGE, 'https://vk.ru/', touch('vk.com', 'social', { socialNetwork: 'vk' })],
    ['OK', PAGE, 'https://ok.ru/group/123', touch('ok.ru', 'social', { socialNetwork: 'ok' })],
    [
      'Facebook link shim',
      PAGE,
      'https://l.facebook.com/',
      touch('facebook.com', 'social', { socialNetwork: 'facebook' }),
    ],
    [
      'Facebook mobile',
      PAGE,
      'https://m.facebook.com/',
      touch('facebook.com', 'social', { socialNetwork: 'facebook' }),
    ],
    [
      'Instagram link shim',
      PAGE,
      'https://l.instagram.com/',
      touch('instagram.com', 'social', { socialNetwork: 'instagram' }),
    ],
    ['Telegram', PAGE, 'https://t.me/', touch('t.me', 'social', { socialNetwork: 'telegram' })],
    [
      'Telegram Web',
      PAGE,
      'https://web.telegram.org/',
      touch('t.me', 'social', { socialNetwork: 'telegram' }),
    ],
    [
      'the Telegram app on Android',
      PAGE,
      'android-app://org.telegram.messenger/',
      touch('t.me', 'social', { socialNetwork: 'telegram' }),
    ],
    [
      'YouTube',
      PAGE,
      'https://www.youtube.com/',
      touch('youtube.com', 'social', { socialNetwork: 'youtube' }),
    ],
    ['youtu.be', PAGE, 'https://youtu.be/', touch('youtube.com', 'social', { socialNetwork: 'youtube' })],
    ['Dzen', PAGE, 'https://dzen.ru/a/Zx', touch('dzen.ru', 'social', { socialNetwork: 'dzen' })],
    [
      'old Zen is Dzen, not Yandex search',
      PAGE,
      'https://zen.yandex.ru/media/id/1',
      touch('dzen.ru', 'social', { socialNetwork: 'dzen' }),
    ],
    ['TikTok', PAGE, 'https://www.tiktok.com/', touch('tiktok.com', 'social', { socialNetwork: 'tiktok' })],
    ['t.co is X', PAGE, 'https://t.co/AbCdEf', touch('x.com', 'social', { socialNetwork: 'x' })],
    ['twitter.com is X', PAGE, 'https://twitter.com/', touch('x.com', 'social', { socialNetwork: 'x' })],
    [
      'LinkedIn short link',
      PAGE,
      'https://lnkd.in/abc',
      touch('linkedin.com', 'social', { socialNetwork: 'linkedin' }),
    ],
    ['pin.it', PAGE, 'https://pin.it/xyz', touch('pinterest.com', 'social', { socialNetwork: 'pinterest' })],
    [
      'pinterest.ru',
      PAGE,
      'https://ru.pinterest.com/',
      touch('pinterest.com', 'social', { socialNetwork: 'pinterest' }),
    ],
    [
      'WhatsApp Web',
      PAGE,
      'https://web.whatsapp.com/',
      touch('whatsapp.com', 'social', { socialNetwork: 'whatsapp' }),
    ],
    [
      'wa.me',
      PAGE,
      'https://wa.me/79123456789',
      touch('whatsapp.com', 'social', { socialNetwork: 'whatsapp' }),
    ],

    // --- the site itself
    ['same domain → continuation', PAGE, 'https://shop.ru/', CONTINUATION],
    ['www. of the site', PAGE, 'https://www.shop.ru/catalog', CONTINUATION],
    ['a subdomain of the site, with a port', PAGE, 'http://msk.shop.ru:8080/', CONTINUATION],
    ['upper-case site host', PAGE, 'HTTPS://SHOP.RU/', CONTINUATION],
    [
      'the IDN site domain written in Cyrillic',
      'https://магазин.рф/',
      'https://www.магазин.рф/контакты',
      CONTINUATION,
    ],
    [
      'the page host when the domain list misses it',
      'https://staging.example.com/',
      'https://staging.example.com/cart',
      CONTINUATION,
    ],
    [
      'a look-alike host is not the site',
      PAGE,
      'https://shop.ru.evil.com/',
      touch('shop.ru.evil.com', 'referral'),
    ],
    ['a host that merely ends with the name', PAGE, 'https://myshop.ru/', touch('myshop.ru', 'referral')],

    // --- other sites
    [
      'a partner site',
      PAGE,
      'https://www.shop-partner.ru/reviews?id=1',
      touch('shop-partner.ru', 'referral'),
    ],
    [
      'a mobile subdomain is kept for referrals',
      PAGE,
      'https://m.lenta.ru/news/',
      touch('m.lenta.ru', 'referral'),
    ],
    [
      'an IDN referrer is shown in Unicode',
      PAGE,
      'https://www.отзывы.рф/shop',
      touch('отзывы.рф', 'referral'),
    ],
    ['www.ru keeps its www', PAGE, 'https://www.ru/', touch('www.ru', 'referral')],
    [
      'an unknown Android app',
      PAGE,
      'android-app://com.google.android.gm/',
      touch('com.google.android.gm', 'referral'),
    ],

    // --- nothing, or nothing usable
    ['no referrer', PAGE, '', touch('(direct)', '(none)')],
    ['a blank referrer', PAGE, '   ', touch('(direct)', '(none)')],
    ['an unparsable referrer', PAGE, 'not a url', touch('(direct)', '(none)')],
    ['a referrer without a scheme', PAGE, 'yandex.ru', touch('(direct)', '(none)')],
    ['about:blank', PAGE, 'about:blank', touch('(direct)', '(none)')],
    ['a file: referrer', PAGE, 'file:///C:/Users/me/page.html', touch('(direct)', '(none)')],
    ['an empty page URL', '', '', touch('(direct)', '(none)')],
    ['an empty page URL with a referrer', '', 'https://www.google.com/', touch('google', 'organic')],
    [
      'a malformed page URL still gives its tags',
      'http://[bad/?utm_source=vk&utm_medium=cpc',
      '',
      touch('vk', 'cpc', { socialNetwork: 'vk' }),
    ],
    [
      'a relative page URL still gives its tags',
      '/landing?utm_source=mailchimp&utm_medium=email',
      '',
      touch('mailchimp', 'email'),
    ],
  ])('%s', (_name, url, referrer, expected) => {
    expect(classifyTraffic({ url, referrer, siteDomains: SITE })).toEqual(expected);
  });

  it('treats unnormalised site domains like normalised ones', () => {
    const r = classifyTraffic({
      url: 'https://a.ru/',
      referrer: 'https://blog.shop.ru/',
      siteDomains: ['https://WWW.Shop.ru/'],
    });
    expect(r).toEqual(CONTINUATION);
  });

  it('with no site domains, only the page host itself is internal', () => {
    expect(classifyTraffic({ url: PAGE, referrer: 'https://shop.ru/', siteDomains: [] })).toEqual(
      CONTINUATION,
    );
    expect(classifyTraffic({ url: PAGE, referrer: 'https://blog.shop.ru/', siteDomains: [] })).toEqual(
      touch('blog.shop.ru', 'referral'),
    );
  });

  it('hands out a fresh direct touch each time', () => {
    const a = classifyTraffic({ url: PAGE, referrer: '', siteDomains: SITE });
    expect(a.kind === 'touch' && a.touch).not.toBe(DIRECT);
    expect(Object.isFrozen(DIRECT)).toBe(true);
  });
});

describe('touchLabel', () => {
  it('joins source and medium', () => {
    expect(touchLabel({ source: 'yandex', medium: 'cpc' })).toBe('yandex / cpc');
    expect(touchLabel(DIRECT)).toBe('(direct) / (none)');
  });
});
