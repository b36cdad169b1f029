/**
 * The normalised daily cost row every cost importer produces (CSV, Yandex Direct, VK Ads): one row per
 * day and key (source, medium, campaign, content, term), in the currency the platform bills in. The
 * key is what reports match against visits' UTM tags; `campaignId` lets a project whose links carry
 * `utm_campaign={campaign_id}` match by id instead of by name.
 */

export interface CostRow {
  /** the platform's calendar day, `YYYY-MM-DD` */
  date: string;
  /** `yandex`, `vk`, or what a CSV says */
  source: string;
  /** `cpc` for both connectors */
  medium: string | null;
  campaign: string | null;
  campaignId: string | null;
  /** Direct: the ad group name; VK Ads: the ad group name (or null at the ad-plan level) */
  content: string | null;
  /** Direct: the keyword (criterion) text; VK Ads: null */
  term: string | null;
  impressions: number;
  clicks: number;
  /** in `currency`, rounded to 2 decimals, VAT included or not as the connector was asked */
  cost: number;
  /** ISO 4217 as the platform names it (Direct accounts in conventional units say `YND_FIXED`) */
  currency: string;
}

/** Rounds a money amount to 2 decimals (binary floating point keeps it exact enough for cents). */
export function roundMoney(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}

/** The key a stored cost row is unique by (issue 12: a re-import of the same key replaces the row). */
export function costKey(r: CostRow): string {
  return [r.date, r.source, r.medium, r.campaign, r.content, r.term].join('\u0000');
}

/**
 * Sums rows that share a key: a platform's rows are unique by its ids (campaign, ad group, keyword),
 * but two of them may carry the same names, and the stored key has names, not those ids. Rows of
 * campaigns with one name and different ids keep no `campaignId`: one id cannot stand for both.
 */
export function mergeByKey(rows: readonly CostRow[]): CostRow[] {
  const out = new Map<string, CostRow>();
  for (const r of rows) {
    const key = costKey(r);
    const seen = out.get(key);
    if (!seen) out.set(key, { ...r });
    else {
      seen.impressions += r.impressions;
      seen.clicks += r.clicks;
      seen.cost = roundMoney(seen.cost + r.cost);
      if (seen.campaignId !== r.campaignId) seen.campaignId = null;
    }
  }
  return [...out.values()];
}
