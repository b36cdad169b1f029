import type { Db } from '../db/connection.js';
import { findLeadProject } from '../db/queries/projects.js';
import type { Lead } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { sha256 } from '../security/tokens.js';
import { createLead, type LeadProject, type NewLead } from './create.js';
import type { CsvLeadRow } from './csv-import.js';
import { toLeadProject } from './project.js';

/** The project a lead-intake API key (header X-Api-Key) belongs to; 401 invalid_api_key otherwise. */
export async function projectByApiKey(db: Db, key: unknown): Promise<LeadProject> {
  if (typeof key !== 'string' || !key) throw new AppError(401, 'invalid_api_key');
  const row = await findLeadProject(db, { apiKeyHash: sha256(key) });
  if (!row) throw new AppError(401, 'invalid_api_key');
  return toLeadProject(row);
}

/** One lead sent by the API, in its own transaction (see createLead). */
export function receiveLead(
  db: Db,
  project: LeadProject,
  lead: NewLead,
): Promise<{ lead: Lead; created: boolean }> {
  return db.transaction().execute((trx) => createLead(trx, project, lead));
}

/**
 * The rows of a CSV file, all or none, in one transaction. They are stored oldest first, so
 * duplicates within the file point at the earliest lead; a row without a date takes `now`.
 * Returns how many leads were new and every row's lead id, in file order.
 */
export async function importLeads(
  db: Db,
  project: LeadProject,
  rows: readonly CsvLeadRow[],
  now = new Date(),
): Promise<{ imported: number; leadIds: string[] }> {
  const order = rows
    .map((r, i) => ({ r, i, at: r.occurredAt ?? now }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.i - b.i);
  const leadIds: string[] = new Array(rows.length);
  let imported = 0;
  await db.transaction().execute(async (trx) => {
    for (const { r, i, at } of order) {
      const { lead, created } = await createLead(trx, project, {
        type: r.type,
        channel: 'csv',
        email: r.email,
        phone: r.phone,
        name: r.name,
        company: r.company,
        subject: r.subject,
        message: r.message,
        page: r.page,
        occurredAt: at,
        externalId: r.externalId,
      });
      leadIds[i] = lead.id;
      if (created) imported += 1;
    }
  });
  return { imported, leadIds };
}
