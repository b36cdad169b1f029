/**
 * What PostgreSQL cannot hold in text or jsonb: U+0000, and UTF-16 surrogates without their pair
 * (JSON may spell both, `"\u0000"` and `"\ud800"`). Collected text comes from pages and links we do
 * not control (`?utm_source=%00x`), so it is cleaned rather than refused: the rest of the page view
 * is good, and a refusal would be retried by the tracker.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what is removed
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storable(text: string): string {
  return text.replace(UNSTORABLE, '');
}
