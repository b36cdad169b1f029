import type { LeadProjectRow } from '../db/queries/projects.js';
import type { LeadProject } from './create.js';

export function toLeadProject(row: LeadProjectRow): LeadProject {
  return {
    id: row.id,
    phoneRegion: row.phone_region.trim(),
    duplicateWindowMinutes: row.duplicate_window_minutes,
    attributionModel: row.attribution_model,
    language: row.language,
  };
}
