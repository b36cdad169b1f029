/**
 * Does `s` (a URL and a body as the page sent them) carry the e-mail `e` (lower-case) or the phone
 * whose last digits are `p`? Pages send what was typed reformatted: `+7 (912) 345-67-89` as
 * `79123456789`, `8912…` or URL-encoded, the e-mail in any case or URL-encoded. unescape() never
 * throws on a stray `%`, unlike decodeURIComponent; the raw text stays for non-Latin addresses.
 */
export const carries = (s: string, e: string, p: string): boolean => {
  s = (s + unescape(s.replace(/\+/g, ' '))).toLowerCase();
  return (!!e && s.indexOf(e) >= 0) || (!!p && s.replace(/\D/g, '').indexOf(p) >= 0);
};
