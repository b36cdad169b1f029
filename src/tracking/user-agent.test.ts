import { describe, expect, it } from 'vitest';
import { type DeviceInfo, isBotUserAgent, parseUserAgent } from './user-agent.js';

const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  yandexAndroid:
    'Mozilla/5.0 (Linux; arm_64; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.4.86.00 SA/3 Mobile Safari/537.36',
  yandexWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 YaBrowser/24.7.0.0 Safari/537.36',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  samsungTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Safari/537.36',
  samsungPhone:
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  chromeAndroidTablet:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeAndroidPhone:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  chromeIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  firefoxUbuntu: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxWindows7: 'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
  opera:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 OPR/114.0.0.0',
  chromeWindows81:
    'Mozilla/5.0 (Windows NT 6.3; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
  chromebook:
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  vkInAppIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 VKontakte/8.80',
  telegramAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 Telegram-Android/11.0.0 (Google Pixel 8; Android 14; SDK 34; HIGH)',
  galaxyWatch:
    'Mozilla/5.0 (Linux; Android 11; SM-R860 Build/RP1A.200720.012; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/96.0 Mobile Safari/537.36',
  lgTv: 'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36 WebAppManager',
  playstation:
    'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  yandexBot: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  yandexMetrika: 'Mozilla/5.0 (compatible; YandexMetrika/2.0; +http://yandex.com/bots yabs01)',
  curl: 'curl/8.5.0',
  headlessChrome:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
  pythonRequests: 'python-requests/2.32.3',
} as const;

describe('parseUserAgent', () => {
  it.each<[keyof typeof UA, DeviceInfo]>([
    ['chromeWindows', { browser: 'Chrome 131', device: 'desktop', os: 'Windows 10' }],
    ['yandexAndroid', { browser: 'Yandex 24', device: 'mobile', os: 'Android 13' }],
    ['yandexWindows', { browser: 'Yandex 24', device: 'desktop', os: 'Windows 10' }],
    ['safariIphone', { browser: 'Safari 17', device: 'mobile', os: 'iOS 17' }],
    ['safariIpad', { browser: 'Safari 16', device: 'tablet', os: 'iOS 16' }],
    ['safariMac', { browser: 'Safari 17', device: 'desktop', os: 'macOS' }],
    ['samsungTablet', { browser: 'Samsung Browser 26', device: 'tablet', os: 'Android 13' }],
    ['samsungPhone', { browser: 'Samsung Browser 26', device: 'mobile', os: 'Android 14' }],
    // Android tablets leave "Mobile" out of the user agent
    ['chromeAndroidTablet', { browser: 'Chrome 131', device: 'tablet', os: 'Android 10' }],
    ['chromeAndroidPhone', { browser: 'Chrome 131', device: 'mobile', os: 'Android 10' }],
    ['chromeIphone', { browser: 'Chrome 131', device: 'mobile', os: 'iOS 17' }],
    ['firefoxUbuntu', { browser: 'Firefox 133', device: 'desktop', os: 'Ubuntu' }],
    ['firefoxLinux', { browser: 'Firefox 133', device: 'desktop', os: 'Linux' }],
    ['firefoxWindows7', { browser: 'Firefox 115', device: 'desktop', os: 'Windows 7' }],
    ['edge', { browser: 'Edge 131', device: 'desktop', os: 'Windows 10' }],
    ['opera', { browser: 'Opera 114', device: 'desktop', os: 'Windows 10' }],
    ['chromeWindows81', { browser: 'Chrome 109', device: 'desktop', os: 'Windows 8.1' }],
    ['chromebook', { browser: 'Chrome 131', device: 'desktop', os: 'ChromeOS' }],
    ['vkInAppIphone', { browser: 'WebKit', device: 'mobile', os: 'iOS 17' }],
    ['telegramAndroid', { browser: 'Chrome WebView 127', device: 'mobile', os: 'Android 14' }],
    // the device decisions: a watch is mobile, a TV and a console are desktop
    ['galaxyWatch', { browser: 'Chrome WebView 96', device: 'mobile', os: 'Android 11' }],
    ['lgTv', { browser: 'Chrome 87', device: 'desktop', os: 'webOS TV' }],
    ['playstation', { browser: 'Safari 13', device: 'desktop', os: 'PlayStation 5' }],
    ['curl', { browser: null, device: 'desktop', os: null }],
  ])('%s', (name, expected) => {
    expect(parseUserAgent(UA[name])).toEqual(expected);
  });

  it.each([[undefined], [''], ['   '], ['garbage ¯\\_(ツ)_/¯']])('knows nothing about %j', (ua) => {
    expect(parseUserAgent(ua)).toEqual({ browser: null, device: 'desktop', os: null });
  });

  it('copes with a huge user agent', () => {
    expect(parseUserAgent(`${UA.chromeWindows} ${'x'.repeat(100_000)}`).browser).toBe('Chrome 131');
  });
});

describe('isBotUserAgent', () => {
  it.each<keyof typeof UA>([
    'googlebot',
    'googlebotSmartphone',
    'yandexBot',
    'yandexMetrika',
    'curl',
    'headlessChrome',
    'pythonRequests',
  ])('%s is a bot', (name) => {
    expect(isBotUserAgent(UA[name])).toBe(true);
  });

  it.each<keyof typeof UA>([
    'chromeWindows',
    'yandexAndroid',
    'safariIphone',
    'safariIpad',
    'samsungTablet',
    'firefoxUbuntu',
    'edge',
    'opera',
    'vkInAppIphone',
    'telegramAndroid',
  ])('%s is a person', (name) => {
    expect(isBotUserAgent(UA[name])).toBe(false);
  });

  it.each([[undefined], [''], ['  ']])('an absent user agent (%j) counts as a bot', (ua) => {
    expect(isBotUserAgent(ua)).toBe(true);
  });
});
