import type { Db } from '../db/connection.js';
import type { LeadProject } from '../leads/create.js';

export interface Site extends LeadProject {
  domains: string[];
}

const TTL_MS = 5_000;

/**
 * Site key → project, cached briefly: the collector sees a hit per page view, the projects table
 * changes rarely. A rotated or deleted key stops working within the TTL.
 */
export class SiteDirectory {
  readonly #cache = new Map<string, { site: Site | null; until: number }>();

  constructor(private readonly db: Db) {}

  async bySiteKey(siteKey: string): Promise<Site | null> {
    const now = Date.now();
    const hit = this.#cache.get(siteKey);
    if (hit && hit.until > now) return hit.site;
    const row = await this.db
      .selectFrom('projects as p')
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .select([
        'p.id',
        'p.domains',
        'p.phone_region',
        'p.duplicate_window_minutes',
        'p.attribution_model',
        'a.language',
      ])
      .where('p.site_key', '=', siteKey)
      .where('p.deleted_at', 'is', null)
      .executeTakeFirst();
    const site: Site | null = row
      ? {
          id: row.id,
          domains: row.domains,
          phoneRegion: row.phone_region.trim(),
          duplicateWindowMinutes: row.duplicate_window_minutes,
          attributionModel: row.attribution_model,
          language: row.language,
        }
      : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(siteKey, { site, until: now + TTL_MS });
    return site;
  }
}
