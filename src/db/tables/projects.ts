/** Projects (one per site) and their lead settings. */
import type { Generated, Selectable, Updateable } from 'kysely';
import type { CreatedAt, UpdatedAt } from './columns.js';

export type AttributionModel = 'last_non_direct' | 'first_click' | 'last_click';

export interface ProjectsTable {
  id: Generated<string>;
  account_id: string;
  name: string;
  domains: string[];
  timezone: string;
  currency: string;
  site_key: string;
  api_key_hash: string;
  /** AES-256-GCM under SECRET_KEY, so the cabinet can show it again */
  api_key_enc: string;
  last_hit_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | null;
  attribution_model: Generated<AttributionModel>;
  duplicate_window_minutes: Generated<number>;
  phone_region: Generated<string>;
}

export type Project = Selectable<ProjectsTable>;

export type ProjectUpdate = Updateable<ProjectsTable>;
