import { domainToUnicode } from 'node:url';
import { storable } from '../db/storable-text.js';
import { hostMatches, normaliseDomain } from '../projects/domains.js';
import {
  type HostRule,
  SEARCH_ENGINES,
  type SearchEngine,
  SOCIAL_NETWORKS,
  type SocialNetwork,
} from './referrer-table.js';

export interface Touch {
  source: string;
  medium: string;
  campaign: string | null;
  content: string | null;
  term: string | null;
  socialNetwork: string | null;
  clickId: { type: 'yclid' | 'gclid' | 'fbclid'; value: string } | null;
}

export type Classified = { kind: 'touch'; touch: Touch } | { kind: 'continuation' };

type ClickId = NonNullable<Touch['clickId']>;

export const DIRECT: Touch = Object.freeze({
  source: '(direct)',
  medium: '(none)',
  campaign: null,
  content: null,
  term: null,
  socialNetwork: null,
  clickId: null,
});

export function touchLabel(t: Pick<Touch, 'source' | 'medium'>): string {
  return `${t.source} / ${t.medium}`;
}

/**
 * The traffic source of a page view: UTM tags, else an ad click id, else the referrer.
 * `continuation` means the visitor came from another page of the same site, which starts no new touch.
 * `siteDomains` are the project's domains; a referrer on one of them or their subdomains is internal.
 */
export function classifyTraffic(input: {
  url: string;
  referrer: string;
  siteDomains: readonly string[];
}): Classified {
  const params = readQuery(input.url);
  const clickId = findClickId(params);
  const referrer = parseReferrer(input.referrer);
  const referrerClass = referrer ? classifyHost(withoutPrefixes(referrer.host, ['www.', 'm.'])) : null;
  const referrerNetwork = referrerClass?.kind === 'social' ? referrerClass.rule.network : null;

  const utmSource = params.get('utm_source');
  if (utmSource !== undefined) {
    const source = utmSource.toLowerCase();
    return touch({
      source,
      medium: params.get('utm_medium')?.toLowerCase() ?? '(not set)',
      campaign: params.get('utm_campaign') ?? null,
      content: params.get('utm_content') ?? null,
      term: params.get('utm_term') ?? null,
      socialNetwork: networkNamedBy(source) ?? referrerNetwork,
      clickId,
    });
  }

  if (clickId) {
    const source = CLICK_ID_SOURCE[clickId.type];
    // Instagram appends fbclid as well: the referrer, when it is a network, says which one.
    const fallbackNetwork = clickId.type === 'fbclid' ? 'facebook' : null;
    return touch({ source, medium: 'cpc', socialNetwork: referrerNetwork ?? fallbackNetwork, clickId });
  }

  if (!referrer) return touch({ ...DIRECT });
  if (!referrer.app && isInternal(referrer.host, input.url, input.siteDomains)) {
    return { kind: 'continuation' };
  }
  switch (referrerClass?.kind) {
    case 'search':
      return touch({ source: referrerClass.rule.source, medium: 'organic' });
    case 'social':
      return touch({ source: referrerClass.rule.source, medium: 'social', socialNetwork: referrerNetwork });
    default:
      return touch({ source: displayHost(withoutPrefixes(referrer.host, ['www.'])), medium: 'referral' });
  }
}

const CLICK_ID_SOURCE: Record<ClickId['type'], string> = {
  yclid: 'yandex',
  gclid: 'google',
  fbclid: 'facebook',
};

// gbraid and wbraid replace gclid on iOS traffic where Apple's tracking rules forbid gclid.
const CLICK_ID_PARAMS: ReadonlyArray<readonly [string, ClickId['type']]> = [
  ['yclid', 'yclid'],
  ['gclid', 'gclid'],
  ['gbraid', 'gclid'],
  ['wbraid', 'gclid'],
  ['fbclid', 'fbclid'],
];

const WANTED_PARAMS = new Set([
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  ...CLICK_ID_PARAMS.map(([name]) => name),
]);

function touch(t: Partial<Touch> & Pick<Touch, 'source' | 'medium'>): Classified {
  return {
    kind: 'touch',
    touch: {
      source: t.source,
      medium: t.medium,
      campaign: t.campaign ?? null,
      content: t.content ?? null,
      term: t.term ?? null,
      socialNetwork: t.socialNetwork ?? null,
      clickId: t.clickId ?? null,
    },
  };
}

function findClickId(params: ReadonlyMap<string, string>): ClickId | null {
  for (const [name, type] of CLICK_ID_PARAMS) {
    const value = params.get(name);
    if (value !== undefined) return { type, value };
  }
  return null;
}

/**
 * The tracking parameters of a page URL, decoded and trimmed; blank ones are left out, and the first
 * of repeated ones wins. Reads the query by hand, so a relative or malformed URL still gives its tags.
 */
function readQuery(url: string): Map<string, string> {
  const params = new Map<string, string>();
  const beforeHash = url.split('#', 1)[0] ?? '';
  const start = beforeHash.indexOf('?');
  if (start < 0) return params;
  for (const pair of beforeHash.slice(start + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    // Some hand-made links write UTM_SOURCE; no ad system means anything else by it.
    const name = decodeComponent(pair.slice(0, eq)).trim().toLowerCase();
    if (!WANTED_PARAMS.has(name) || params.has(name)) continue;
    // `%00` decodes to what PostgreSQL cannot store
    const value = storable(decodeComponent(pair.slice(eq + 1))).trim();
    if (value) params.set(name, value);
  }
  return params;
}

const PERCENT_RUN = /(?:%[0-9a-f]{2})+/gi;
const utf8 = new TextDecoder('utf-8', { fatal: true });
let cp1251: InstanceType<typeof TextDecoder> | null | undefined;

function decodeComponent(raw: string): string {
  const text = raw.replaceAll('+', ' ');
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // A stray "%" or bytes that are not UTF-8: decode each escaped run on its own instead.
    return text.replace(PERCENT_RUN, decodeEscapedRun);
  }
}

function decodeEscapedRun(run: string): string {
  const bytes = new Uint8Array(run.length / 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
  try {
    return utf8.decode(bytes);
  } catch {
    // Older Russian sites and CMSes still percent-encode Cyrillic in Windows-1251.
    if (cp1251 === undefined) {
      try {
        cp1251 = new TextDecoder('windows-1251');
      } catch {
        cp1251 = null; // a Node built without full ICU
      }
    }
    return (cp1251 ?? new TextDecoder('utf-8')).decode(bytes);
  }
}

interface Referrer {
  /** lower-case, punycode, without port or trailing dot; an Android app's package name when `app` */
  host: string;
  app: boolean;
}

function parseReferrer(raw: string): Referrer | null {
  const text = raw.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (!host) return null;
  if (url.protocol === 'http:' || url.protocol === 'https:') return { host, app: false };
  if (url.protocol === 'android-app:') return { host, app: true };
  // about:blank, file:, browser-internal and extension pages say nothing about a source.
  return null;
}

function isInternal(host: string, pageUrl: string, siteDomains: readonly string[]): boolean {
  const domains = siteDomains.flatMap((d) => normaliseDomain(d) ?? []);
  if (hostMatches(host, domains)) return true;
  // The page's own host is the site even when the project's domain list misses it (a staging host).
  const pageHost = hostOf(pageUrl);
  return pageHost !== null && withoutPrefixes(pageHost, ['www.']) === withoutPrefixes(host, ['www.']);
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/\.$/, '') || null;
  } catch {
    return null;
  }
}

/** Strips leading `www.`/`m.` labels, but never down to a bare top-level domain ("www.ru" is a site). */
function withoutPrefixes(host: string, prefixes: readonly string[]): string {
  let h = host;
  for (;;) {
    const prefix = prefixes.find((p) => h.startsWith(p) && h.includes('.', p.length));
    if (!prefix) return h;
    h = h.slice(prefix.length);
  }
}

function displayHost(host: string): string {
  if (!host.includes('xn--')) return host;
  return domainToUnicode(host) || host;
}

type HostClass = { kind: 'search'; rule: SearchEngine } | { kind: 'social'; rule: SocialNetwork };

const exactHosts = new Map<string, HostClass>();
const domainHosts = new Map<string, HostClass>();
const hostPatterns: Array<{ pattern: RegExp; cls: HostClass }> = [];
const networkAliases = new Map<string, string>();

function index(rule: HostRule, cls: HostClass): void {
  // Social networks are indexed first and win: zen.yandex.ru is Dzen, not Yandex search.
  for (const h of rule.hosts ?? []) if (!exactHosts.has(h)) exactHosts.set(h, cls);
  for (const d of rule.domains ?? []) if (!domainHosts.has(d)) domainHosts.set(d, cls);
  if (rule.pattern) hostPatterns.push({ pattern: rule.pattern, cls });
}

for (const rule of SOCIAL_NETWORKS) {
  index(rule, { kind: 'social', rule });
  for (const alias of rule.aliases) networkAliases.set(alias, rule.network);
}
for (const rule of SEARCH_ENGINES) index(rule, { kind: 'search', rule });

function classifyHost(host: string): HostClass | null {
  const exact = exactHosts.get(host);
  if (exact) return exact;
  // The most specific registered domain wins: from the host itself up through its parents.
  for (let h = host; h; ) {
    const hit = domainHosts.get(h);
    if (hit) return hit;
    const dot = h.indexOf('.');
    h = dot < 0 ? '' : h.slice(dot + 1);
  }
  return hostPatterns.find(({ pattern }) => pattern.test(host))?.cls ?? null;
}

/** The social network a utm_source names, by a common alias ("vk", "ig") or by a network's host. */
function networkNamedBy(source: string): string | null {
  const alias = networkAliases.get(source);
  if (alias) return alias;
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(source)) return null;
  const cls = classifyHost(withoutPrefixes(source, ['www.', 'm.']));
  return cls?.kind === 'social' ? cls.rule.network : null;
}
