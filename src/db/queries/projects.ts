import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Language, Project, ProjectUpdate } from '../schema.js';

export interface NewProject {
  accountId: string;
  name: string;
  domains: string[];
  timezone: string;
  currency: string;
  siteKey: string;
  apiKeyHash: string;
  apiKeyEnc: string;
  /** lead settings columns, when given at creation */
  settings?: Pick<ProjectUpdate, 'attribution_model' | 'duplicate_window_minutes' | 'phone_region'>;
}

export function insertProject(db: Db, p: NewProject): Promise<Project> {
  return db
    .insertInto('projects')
    .values({
      account_id: p.accountId,
      name: p.name,
      domains: p.domains,
      timezone: p.timezone,
      currency: p.currency,
      site_key: p.siteKey,
      api_key_hash: p.apiKeyHash,
      api_key_enc: p.apiKeyEnc,
      ...p.settings,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listProjects(db: Db, accountId: string): Promise<Project[]> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

/** Tenant-scoped: another account's project id is simply not found. */
export function findProject(db: Db, accountId: string, id: string): Promise<Project | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export function updateProject(
  db: Db,
  accountId: string,
  id: string,
  patch: Omit<ProjectUpdate, 'id' | 'account_id' | 'created_at' | 'deleted_at'>,
): Promise<Project | undefined> {
  return db
    .updateTable('projects')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Soft delete: leads and history stay in the database; the site key stops accepting hits. */
export async function softDeleteProject(db: Db, accountId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('projects')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export interface LeadProjectRow {
  id: string;
  domains: string[];
  account_id: string;
  phone_region: string;
  duplicate_window_minutes: number;
  attribution_model: Project['attribution_model'];
  language: 'ru' | 'en';
}

/** The project (with its account's language) a lead-intake key, a site key or a cabinet id points to. */
export function findLeadProject(
  db: Db,
  by:
    | { apiKeyHash: string }
    | { siteKey: string }
    | { accountId: string; id: string }
    | { projectId: string },
): Promise<LeadProjectRow | undefined> {
  let q = db
    .selectFrom('projects as p')
    .innerJoin('accounts as a', 'a.id', 'p.account_id')
    .select([
      'p.id',
      'p.account_id',
      'p.domains',
      'p.phone_region',
      'p.duplicate_window_minutes',
      'p.attribution_model',
      'a.language',
    ])
    .where('p.deleted_at', 'is', null);
  if ('apiKeyHash' in by) q = q.where('p.api_key_hash', '=', by.apiKeyHash);
  else if ('siteKey' in by) q = q.where('p.site_key', '=', by.siteKey);
  else if ('projectId' in by) q = q.where('p.id', '=', by.projectId);
  else q = q.where('p.id', '=', by.id).where('p.account_id', '=', by.accountId);
  return q.executeTakeFirst();
}

/** Every domain of every live project: which page origins are any project's at all. */
export async function listLiveProjectDomains(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('projects')
    .select(sql<string>`unnest(domains)`.as('domain'))
    .where('deleted_at', 'is', null)
    .execute();
  return rows.map((r) => r.domain);
}

/** The project's name (the tag amoCRM entities get), deleted or not. */
export async function findProjectName(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('projects').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name;
}

/** The project's name and its account's language (what an integration labels entities with), deleted or not. */
export function findProjectNameAndLanguage(
  db: Db,
  id: string,
): Promise<{ name: string; language: Language } | undefined> {
  return db
    .selectFrom('projects')
    .innerJoin('accounts', 'accounts.id', 'projects.account_id')
    .select(['projects.name', 'accounts.language'])
    .where('projects.id', '=', id)
    .executeTakeFirst();
}
