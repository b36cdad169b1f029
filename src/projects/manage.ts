import type { z } from 'zod';
import type { Db } from '../db/connection.js';
import { insertProject, softDeleteProject, updateProject } from '../db/queries/projects.js';
import type { Account, AttributionModel, Project } from '../db/schema.js';
import type { Sealer } from '../security/sealed.js';
import { newApiKey, newSiteKey } from './keys.js';
import type { newProjectBody, projectPatchBody } from './serialize.js';

/**
 * What creating or changing a project needs. `sites` is told of every change to a project at
 * once (other processes hear of it from the database, migration 0010).
 */
export interface ProjectDeps {
  db: Db;
  /** seals the project API key for display */
  keySealer: Sealer;
  sites: { changed(siteKey: string): void };
}

/** API names → columns for the lead settings present in a body. */
function leadSettingColumns(b: {
  attributionModel?: AttributionModel;
  duplicateWindowMinutes?: number;
  phoneRegion?: string;
}) {
  return {
    ...(b.attributionModel !== undefined && { attribution_model: b.attributionModel }),
    ...(b.duplicateWindowMinutes !== undefined && { duplicate_window_minutes: b.duplicateWindowMinutes }),
    ...(b.phoneRegion !== undefined && { phone_region: b.phoneRegion }),
  };
}

/** A new project with fresh keys; time zone and currency default to the account's. */
export async function createProject(
  deps: ProjectDeps,
  account: Account,
  b: z.output<typeof newProjectBody>,
): Promise<Project> {
  const apiKey = newApiKey(deps.keySealer);
  const project = await insertProject(deps.db, {
    accountId: account.id,
    name: b.name,
    domains: b.domains,
    timezone: b.timezone ?? account.timezone,
    currency: b.currency ?? account.currency.trim(),
    siteKey: newSiteKey(),
    apiKeyHash: apiKey.hash,
    apiKeyEnc: apiKey.sealed,
    settings: leadSettingColumns(b),
  });
  deps.sites.changed(project.site_key);
  return project;
}

/** Changes the project; undefined when it is gone meanwhile. */
export async function changeProject(
  deps: ProjectDeps,
  before: Project,
  patch: z.output<typeof projectPatchBody>,
): Promise<Project | undefined> {
  const { attributionModel, duplicateWindowMinutes, phoneRegion, ...plain } = patch;
  const updated = await updateProject(deps.db, before.account_id, before.id, {
    ...plain,
    ...leadSettingColumns({ attributionModel, duplicateWindowMinutes, phoneRegion }),
  });
  deps.sites.changed(before.site_key);
  return updated;
}

/** Deletes the project softly: its site key stops accepting hits, its data is kept. */
export async function deleteProject(deps: ProjectDeps, before: Project): Promise<boolean> {
  const deleted = await softDeleteProject(deps.db, before.account_id, before.id);
  deps.sites.changed(before.site_key);
  return deleted;
}

/** Replaces the public site key or the secret API key; the old one stops working at once. */
export async function rotateProjectKey(
  deps: ProjectDeps,
  before: Project,
  key: 'site-key' | 'api-key',
): Promise<Project | undefined> {
  const patch =
    key === 'site-key'
      ? { site_key: newSiteKey() }
      : (({ hash, sealed }) => ({ api_key_hash: hash, api_key_enc: sealed }))(newApiKey(deps.keySealer));
  const updated = await updateProject(deps.db, before.account_id, before.id, patch);
  deps.sites.changed(before.site_key);
  return updated;
}
