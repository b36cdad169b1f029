/**
 * What PostgreSQL cannot hold in text or jsonb: U+0000, and UTF-16 surrogates without their pair
 * (JSON may spell both, `"\u0000"` and `"\ud800"`; a query string `%00`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const HAS_UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The text without what PostgreSQL cannot store. For text from pages and links we do not control
 * (the collector): cleaned rather than refused, as the rest of it is good.
 */
export function storable(text: string): string {
  return text.replace(UNSTORABLE, '');
}

export function isStorable(text: string): boolean {
  return !HAS_UNSTORABLE.test(text);
}
