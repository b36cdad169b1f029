/**
 * Which referrer hosts are search engines and which are social networks.
 *
 * Hosts are compared lower-case after `www.` and `m.` are stripped. `domains` match the host and
 * every subdomain of it; `hosts` match only exactly, because a search engine's subdomains are often
 * other products (mail.google.com is webmail, not search); `pattern` covers the country domains.
 * Android apps send `android-app://<package>/` as the referrer, so package names sit among the hosts.
 */

export interface HostRule {
  readonly hosts?: readonly string[];
  readonly domains?: readonly string[];
  readonly pattern?: RegExp;
}

export interface SearchEngine extends HostRule {
  /** the touch's source for organic traffic from this engine */
  readonly source: string;
}

export interface SocialNetwork extends HostRule {
  /** the lead's social_network value */
  readonly network: string;
  /** the touch's source: the network's main domain */
  readonly source: string;
  /** utm_source values (lower-case) that name this network */
  readonly aliases: readonly string[];
}

export const SEARCH_ENGINES: readonly SearchEngine[] = [
  {
    source: 'google',
    // google.ru, google.com, google.co.uk, google.com.tr…
    pattern: /^google\.(?:com?\.)?[a-z]{2,}$/,
    hosts: ['com.google.android.googlequicksearchbox'],
  },
  {
    source: 'yandex',
    // yandex.ru, yandex.by, yandex.kz, yandex.com, yandex.com.tr, yandex.com.am…
    pattern: /^yandex\.(?:com?\.)?[a-z]{2,}$/,
    hosts: ['ya.ru', 'ru.yandex.searchplugin'],
  },
  { source: 'bing', domains: ['bing.com'] },
  // mail.ru's own host is the portal and e.mail.ru is webmail; only go.mail.ru is search.
  { source: 'mail.ru', domains: ['go.mail.ru'] },
  { source: 'duckduckgo', domains: ['duckduckgo.com'] },
  // news.rambler.ru and the like are media sites, not search.
  { source: 'rambler', hosts: ['rambler.ru'], domains: ['nova.rambler.ru'] },
  { source: 'yahoo', domains: ['search.yahoo.com', 'search.yahoo.co.jp'] },
  { source: 'baidu', domains: ['baidu.com'] },
  { source: 'ecosia', domains: ['ecosia.org'] },
  { source: 'brave', domains: ['search.brave.com'] },
  { source: 'startpage', domains: ['startpage.com'] },
  { source: 'qwant', domains: ['qwant.com'] },
  { source: 'seznam', domains: ['search.seznam.cz'] },
  { source: 'naver', domains: ['search.naver.com'] },
  { source: 'sogou', domains: ['sogou.com'] },
  { source: 'aol', domains: ['search.aol.com'] },
  { source: 'ask', domains: ['ask.com'] },
];

export const SOCIAL_NETWORKS: readonly SocialNetwork[] = [
  {
    network: 'vk',
    source: 'vk.com',
    // away.vk.com is VK's outbound-link redirector: the visitor clicked a link inside VK.
    domains: ['vk.com', 'vk.ru', 'vkontakte.ru', 'vk.cc', 'vk.me', 'vkvideo.ru'],
    hosts: ['com.vkontakte.android'],
    aliases: ['vk', 'vkontakte', 'vk.com', 'vk.ru', 'vkads', 'vk_ads', 'vk-ads', 'vkvideo'],
  },
  {
    network: 'ok',
    source: 'ok.ru',
    domains: ['ok.ru', 'odnoklassniki.ru', 'ok.me'],
    hosts: ['ru.ok.android'],
    aliases: ['ok', 'odnoklassniki', 'ok.ru', 'okru', 'ok_ads'],
  },
  {
    network: 'facebook',
    source: 'facebook.com',
    domains: ['facebook.com', 'fb.com', 'fb.me', 'fb.watch', 'messenger.com'],
    hosts: ['com.facebook.katana', 'com.facebook.orca', 'com.facebook.lite'],
    aliases: ['fb', 'facebook', 'facebook.com', 'fb_ads', 'facebook_ads'],
  },
  {
    network: 'instagram',
    source: 'instagram.com',
    domains: ['instagram.com', 'instagr.am'],
    hosts: ['com.instagram.android'],
    aliases: ['instagram', 'ig', 'insta', 'instagram.com'],
  },
  {
    network: 'telegram',
    source: 't.me',
    domains: ['t.me', 'telegram.me', 'telegram.org'],
    hosts: ['org.telegram.messenger', 'org.telegram.messenger.web', 'org.thunderdog.challegram'],
    aliases: ['telegram', 'tg', 't.me', 'telegram_ads', 'tg_ads', 'tgads'],
  },
  {
    network: 'youtube',
    source: 'youtube.com',
    domains: ['youtube.com', 'youtu.be'],
    hosts: ['com.google.android.youtube'],
    aliases: ['youtube', 'yt', 'youtube.com'],
  },
  {
    network: 'dzen',
    source: 'dzen.ru',
    domains: ['dzen.ru', 'zen.yandex.ru', 'zen.yandex.com', 'zen.yandex.by', 'zen.yandex.kz'],
    aliases: ['dzen', 'zen', 'yandex_zen', 'yandexzen', 'dzen.ru'],
  },
  {
    network: 'tiktok',
    source: 'tiktok.com',
    domains: ['tiktok.com'],
    hosts: ['com.zhiliaoapp.musically'],
    aliases: ['tiktok', 'tik-tok', 'tik_tok', 'tiktok.com'],
  },
  {
    network: 'x',
    source: 'x.com',
    // t.co is X's link shortener: every link posted on X goes through it.
    domains: ['x.com', 'twitter.com', 't.co'],
    hosts: ['com.twitter.android'],
    aliases: ['x', 'twitter', 'x.com', 'twitter.com'],
  },
  {
    network: 'linkedin',
    source: 'linkedin.com',
    domains: ['linkedin.com', 'lnkd.in'],
    hosts: ['com.linkedin.android'],
    aliases: ['linkedin', 'linkedin.com'],
  },
  {
    network: 'pinterest',
    source: 'pinterest.com',
    domains: ['pin.it'],
    // pinterest.com, pinterest.ru, pinterest.co.uk, ru.pinterest.com…
    pattern: /^(?:[a-z]{2}\.)?pinterest\.(?:com?\.)?[a-z]{2,}$/,
    hosts: ['com.pinterest'],
    aliases: ['pinterest', 'pinterest.com'],
  },
  {
    network: 'whatsapp',
    source: 'whatsapp.com',
    domains: ['wa.me', 'whatsapp.com'],
    hosts: ['com.whatsapp', 'com.whatsapp.w4b'],
    aliases: ['whatsapp', 'wa', 'wa.me'],
  },
  {
    network: 'viber',
    source: 'viber.com',
    domains: ['viber.com'],
    hosts: ['com.viber.voip'],
    aliases: ['viber'],
  },
  {
    network: 'max',
    source: 'max.ru',
    domains: ['max.ru'],
    aliases: ['max.ru'],
  },
  { network: 'rutube', source: 'rutube.ru', domains: ['rutube.ru'], aliases: ['rutube'] },
  { network: 'pikabu', source: 'pikabu.ru', domains: ['pikabu.ru'], aliases: ['pikabu'] },
  {
    network: 'livejournal',
    source: 'livejournal.com',
    domains: ['livejournal.com'],
    aliases: ['livejournal', 'lj'],
  },
  { network: 'reddit', source: 'reddit.com', domains: ['reddit.com', 'redd.it'], aliases: ['reddit'] },
  {
    network: 'threads',
    source: 'threads.net',
    domains: ['threads.net', 'threads.com'],
    aliases: ['threads'],
  },
  { network: 'discord', source: 'discord.com', domains: ['discord.com', 'discord.gg'], aliases: ['discord'] },
  { network: 'twitch', source: 'twitch.tv', domains: ['twitch.tv'], aliases: ['twitch'] },
  { network: 'snapchat', source: 'snapchat.com', domains: ['snapchat.com'], aliases: ['snapchat'] },
  { network: 'tumblr', source: 'tumblr.com', domains: ['tumblr.com'], aliases: ['tumblr'] },
];
