/** Integrations (one per project and kind), their OAuth states, and their log. */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from './columns.js';

export type IntegrationKind = 'amocrm';

export interface IntegrationsTable {
  id: Generated<string>;
  project_id: string;
  kind: IntegrationKind;
  /** the validated settings (no secrets); shape owned by the integration */
  settings: ColumnType<unknown, string, string>;
  base_url: string;
  auth: 'long_lived' | 'oauth';
  client_id: string | null;
  client_secret_enc: string | null;
  redirect_uri: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  access_expires_at: Date | null;
  remote_account_id: number | null;
  /** the account refuses every request: its deliveries wait (see migration 0009) */
  paused_at: Date | null;
  /** the account's own words, with the HTTP status */
  pause_reason: string | null;
  pause_status: number | null;
  /** null while paused: probing was given up and the waiting deliveries failed */
  next_probe_at: Date | null;
  probe_until: Date | null;
  tokens_refreshed_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OAuthStatesTable {
  state_hash: string;
  project_id: string;
  kind: IntegrationKind;
  payload_enc: string;
  created_at: CreatedAt;
  expires_at: Date;
}

export interface IntegrationLogTable {
  id: Generated<string>;
  project_id: string;
  destination: IntegrationKind;
  lead_id: string | null;
  level: 'info' | 'warn' | 'error';
  message: string;
  created_at: CreatedAt;
}

export type Integration = Selectable<IntegrationsTable>;
