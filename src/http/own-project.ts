import type { Db } from '../db/connection.js';
import { findProject } from '../db/queries/projects.js';
import type { Project } from '../db/schema.js';
import type { Principal } from './auth.js';
import { notFound } from './errors.js';

/** The caller's account's project by id; another account's (or none) is a 404. */
export async function ownProject(db: Db, who: Principal, id: string): Promise<Project> {
  const project = await findProject(db, who.account.id, id);
  if (!project) throw notFound();
  return project;
}
