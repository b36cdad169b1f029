import { toASCII } from 'tr46';
import { z } from 'zod';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * UTS #46 ToASCII as the URL Standard runs it (node:url's domainToASCII), from a pinned tr46
 * rather than the platform: Node's parser changed which punycode it accepts between versions
 * (Node 24 takes "xn--zz.ru", whose label decodes to no valid IDNA label). Null when refused.
 */
function domainToAscii(host: string): string | null {
  return toASCII(host, {
    checkBidi: true,
    checkJoiners: true,
    checkHyphens: false,
    useSTD3ASCIIRules: false,
    verifyDNSLength: false,
    transitionalProcessing: false,
  });
}

/**
 * Turns what people paste ("https://www.Shop.ru/contacts", "*.shop.ru", "магазин.рф") into the
 * host form browsers send in Origin (lower-case ASCII, IDN as punycode). Returns null when the
 * input is not a host name.
 */
export function normaliseDomain(input: string): string | null {
  let host = input.trim().toLowerCase();
  if (!host) return null;
  if (host.includes('://')) {
    try {
      host = new URL(host).hostname;
    } catch {
      return null;
    }
  } else {
    host = host.split(/[/?#]/, 1)[0] ?? '';
    host = host.replace(/:\d+$/, '');
  }
  // "www.shop.ru" and "*.shop.ru" mean the site shop.ru; subdomains match it anyway (hostMatches).
  host = host.replace(/^\*\./, '').replace(/\.$/, '');
  // …but "www.ru" is itself a site: keep www when nothing but a top-level domain would remain.
  if (host.startsWith('www.') && host.split('.').length > 2) host = host.slice(4);
  if (IPV4.test(host) || host === 'localhost') return host;
  const ascii = domainToAscii(host);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (/^\d+$/.test(labels.at(-1) ?? '')) return null;
  return ascii;
}

/** A list of site domains: each normalised, duplicates folded, errors named by position. */
export const domainsField = z
  .array(z.string().max(300), { error: 'must be an array of domain names' })
  .min(1, 'name at least one site domain')
  .max(50, 'at most 50 domains')
  .transform((list, ctx) => {
    const out: string[] = [];
    list.forEach((raw, i) => {
      const d = normaliseDomain(raw);
      if (!d) ctx.addIssue({ code: 'custom', path: [i], message: `"${raw}" is not a domain name` });
      else if (!out.includes(d)) out.push(d);
    });
    return out;
  });

/** True when a page host belongs to one of the project's domains (subdomains included). */
export function hostMatches(host: string, domains: readonly string[]): boolean {
  // A page host may carry a port (location.host, Origin); the project's domains never do.
  const h = host.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  // ".shop.ru" is no host at all, though it ends with ".shop.ru".
  if (!h || h.startsWith('.')) return false;
  return domains.some((d) => h === d || h.endsWith(`.${d}`));
}
