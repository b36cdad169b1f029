import type { Db } from '../db/connection.js';
import { type Subscription, subscribe } from '../db/listen.js';
import { findLeadProject, listLiveProjectDomains } from '../db/queries/projects.js';
import type { LeadProject } from '../leads/create.js';
import { toLeadProject } from '../leads/project.js';
import type { Logger } from '../logger.js';

export interface Site extends LeadProject {
  domains: string[];
}

/** Announced by the projects table's triggers (migration 0010) with the changed site key. */
const CHANNEL = 'leadtrail_sites';
const TTL_MS = 5_000;
const DOMAINS_TTL_MS = 60_000;

/**
 * Site key → project, cached: the collector sees a hit per page view, the projects table changes
 * rarely. Every change to a project (a rotated key, other domains, a deletion — in this process or
 * any other on the database) is announced by PostgreSQL and drops the entry at once, so an old key
 * stops working at once. While that announcement channel is down, entries live TTL_MS and an
 * expired one is never answered from.
 */
export class SiteDirectory {
  readonly #cache = new Map<string, { site: Site | null; until: number }>();
  readonly #loading = new Map<string, Promise<Site | null>>();
  /** bumped by every change: a lookup that started before it must not cache what it read */
  #generation = 0;
  #domains: { set: Set<string>; until: number } | null = null;
  #domainsLoading: Promise<Set<string>> | null = null;
  #changes: Subscription | null = null;
  #closed = false;

  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  /** Starts following changes announced by the database; resolves once it does (or failed to). */
  async listen(): Promise<void> {
    if (this.#closed) return;
    this.#changes ??= subscribe(this.db, {
      channel: CHANNEL,
      applicationName: 'leadtrail site changes',
      logger: this.logger,
      lostMessage: 'site change listener lost: site keys are cached briefly until it is back',
      onNotification: (siteKey) => this.changed(siteKey),
      // Whatever changed while nobody listened is unknown: start from the database again.
      onListening: () => this.changed(undefined),
    });
    await this.#changes.ready;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#changes?.close();
  }

  /** A project changed: forget its key (or, with none, every key) and the set of site domains. */
  changed(siteKey: string | undefined): void {
    this.#generation++;
    if (siteKey) {
      this.#cache.delete(siteKey);
      this.#loading.delete(siteKey);
    } else {
      this.#cache.clear();
      this.#loading.clear();
    }
    this.#domains = null;
    this.#domainsLoading = null;
  }

  /**
   * One query per key however many hits ask at once. While changes are followed, an expired entry
   * is still answered from while it is refreshed in the background, so no hit waits on the refresh:
   * had it changed, it would have been dropped.
   */
  async bySiteKey(siteKey: string): Promise<Site | null> {
    const hit = this.#cache.get(siteKey);
    if (hit && hit.until > Date.now()) return hit.site;
    const loading = this.#loading.get(siteKey) ?? this.#load(siteKey);
    if (hit && this.#changes?.listening) {
      loading.catch(() => undefined);
      return hit.site;
    }
    return loading;
  }

  /** True when a page host (from an Origin) is on some live project's domains, subdomains included. */
  async isSiteHost(host: string): Promise<boolean> {
    const h = host.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    if (!h || h.startsWith('.')) return false;
    const domains = await this.#siteDomains();
    for (let at = 0; at !== -1; at = h.indexOf('.', at + 1)) {
      if (domains.has(at === 0 ? h : h.slice(at + 1))) return true;
    }
    return false;
  }

  #siteDomains(): Promise<Set<string>> {
    if (this.#domains && this.#domains.until > Date.now()) return Promise.resolve(this.#domains.set);
    if (this.#domainsLoading) return this.#domainsLoading;
    const generation = this.#generation;
    const p = listLiveProjectDomains(this.db)
      .then((list) => {
        const set = new Set(list);
        if (generation === this.#generation) this.#domains = { set, until: Date.now() + DOMAINS_TTL_MS };
        return set;
      })
      .finally(() => {
        if (this.#domainsLoading === p) this.#domainsLoading = null;
      });
    this.#domainsLoading = p;
    return p;
  }

  #load(siteKey: string): Promise<Site | null> {
    const generation = this.#generation;
    const p = this.#query(siteKey)
      .then((site) => {
        if (generation === this.#generation) {
          if (this.#cache.size > 10_000) this.#cache.clear();
          this.#cache.set(siteKey, { site, until: Date.now() + TTL_MS });
        }
        return site;
      })
      .finally(() => {
        if (this.#loading.get(siteKey) === p) this.#loading.delete(siteKey);
      });
    this.#loading.set(siteKey, p);
    return p;
  }

  async #query(siteKey: string): Promise<Site | null> {
    const row = await findLeadProject(this.db, { siteKey });
    return row ? { ...toLeadProject(row), domains: row.domains } : null;
  }
}
