import type { Db } from '../db/connection.js';
import { findLeadProject } from '../db/queries/projects.js';
import type { LeadProject } from '../leads/create.js';
import { toLeadProject } from '../leads/project.js';

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
  readonly #loading = new Map<string, Promise<Site | null>>();

  constructor(private readonly db: Db) {}

  /**
   * One query per key however many hits ask at once; an expired entry is still answered from
   * while it is refreshed in the background, so no hit waits on the refresh.
   */
  async bySiteKey(siteKey: string): Promise<Site | null> {
    const hit = this.#cache.get(siteKey);
    if (hit && hit.until > Date.now()) return hit.site;
    const loading = this.#loading.get(siteKey) ?? this.#load(siteKey);
    if (hit) {
      loading.catch(() => undefined);
      return hit.site;
    }
    return loading;
  }

  #load(siteKey: string): Promise<Site | null> {
    const p = this.#query(siteKey)
      .then((site) => {
        if (this.#cache.size > 10_000) this.#cache.clear();
        this.#cache.set(siteKey, { site, until: Date.now() + TTL_MS });
        return site;
      })
      .finally(() => this.#loading.delete(siteKey));
    this.#loading.set(siteKey, p);
    return p;
  }

  async #query(siteKey: string): Promise<Site | null> {
    const row = await findLeadProject(this.db, { siteKey });
    return row ? { ...toLeadProject(row), domains: row.domains } : null;
  }
}
