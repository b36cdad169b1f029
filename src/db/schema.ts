import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type UserRole = 'owner' | 'admin' | 'viewer';
export type Language = 'ru' | 'en';

export interface AccountsTable {
  id: Generated<string>;
  name: string;
  timezone: Generated<string>;
  currency: Generated<string>;
  language: Generated<Language>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  account_id: string;
  email: string;
  name: string;
  password_hash: string;
  role: UserRole;
  language: Language | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a leaked table does not leak live sessions */
  id: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
}

export interface InvitationsTable {
  id: Generated<string>;
  account_id: string;
  email: string;
  role: UserRole;
  token_hash: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  accepted_at: Date | null;
}

export interface PasswordResetsTable {
  id: Generated<string>;
  user_id: string;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface PasswordResetRequestsTable {
  id: Generated<string>;
  email: string;
  ip: string;
  created_at: CreatedAt;
}

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

export type AttributionModel = 'last_non_direct' | 'first_click' | 'last_click';
export type LeadType = 'form' | 'phone' | 'chat' | 'email' | 'offline';

export interface VisitorsTable {
  project_id: string;
  id: string;
  first_seen_at: Date;
  last_seen_at: Date;
  ga_client_id: string | null;
  ym_client_id: string | null;
  ip: string | null;
  city_ru: string | null;
  city_en: string | null;
  country_code: string | null;
  country_ru: string | null;
  country_en: string | null;
  browser: string | null;
  device: string | null;
  os: string | null;
  current_visit_id: string | null;
  current_source_key: string | null;
}

export interface VisitsTable {
  id: string;
  project_id: string;
  visitor_id: string;
  started_at: Date;
  last_hit_at: Date;
  hits: Generated<number>;
  source: string;
  medium: string;
  campaign: string | null;
  content: string | null;
  term: string | null;
  social_network: string | null;
  click_id_type: string | null;
  click_id: string | null;
  referrer: string | null;
  landing_url: string;
  ip: string | null;
  city_ru: string | null;
  city_en: string | null;
  country_code: string | null;
  country_ru: string | null;
  country_en: string | null;
  browser: string | null;
  device: string | null;
}

export interface HitsTable {
  project_id: string;
  received_at: Date;
  client_at: Date | null;
  visitor_id: string;
  visit_id: string;
  eid: string;
  type: string;
  url: string;
  referrer: string | null;
}

export interface CollectedEventsTable {
  project_id: string;
  eid: string;
  received_at: Generated<Date>;
}

export interface LeadsTable {
  id: Generated<string>;
  project_id: string;
  type: LeadType;
  channel: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  company: string | null;
  subject: string | null;
  message: string | null;
  page: string | null;
  visitor_id: string | null;
  occurred_at: Date;
  created_at: CreatedAt;
  params: ColumnType<LeadParams, string, string>;
  attributed_at: Date | null;
  duplicate_of: string | null;
  eid: string | null;
}

/** The lead parameters of SPEC section 3, keyed exactly as the API returns them. */
export interface LeadParams {
  sent_at: string;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  social_network: string | null;
  path: string | null;
  city: string | null;
  ip: string | null;
  ga_client_id: string | null;
  ym_client_id: string | null;
  at_client_id: string | null;
  page: string | null;
  browser: string | null;
  country: string | null;
  device: string | null;
  mailbox: string | null;
}

/** lead.retry: a user asked to send the lead's deliveries again */
export type LeadEventType = 'lead.created' | 'lead.attributed' | 'lead.retry';

export interface LeadEventsTable {
  id: Generated<string>;
  project_id: string;
  lead_id: string;
  type: LeadEventType;
  created_at: CreatedAt;
  dispatched_at: Date | null;
}

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

export interface RateBucketsTable {
  key: string;
  tokens: number;
  refilled_at: Date;
}

export type DeliveryEntity = 'deal' | 'contact' | 'company';
export type DeliveryState = 'pending' | 'waiting' | 'searching' | 'paused' | 'done' | 'skipped' | 'failed';

export interface DeliveriesTable {
  id: Generated<string>;
  project_id: string;
  lead_id: string;
  destination: IntegrationKind;
  entity: DeliveryEntity;
  mode: 'create' | 'update';
  state: DeliveryState;
  reason: string | null;
  remote_id: number | null;
  attempts: Generated<number>;
  intent_at: Date | null;
  synced_params: string | null;
  window_ends_at: Date;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
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

export interface VisitorContactsTable {
  project_id: string;
  kind: 'email' | 'phone';
  value: string;
  visitor_id: string;
  seen_at: Date;
}

export interface AuthFailuresTable {
  id: Generated<string>;
  email: string;
  ip: string;
  created_at: CreatedAt;
}

export interface EmailTrackingTable {
  project_id: string;
  public_address: string;
  alias_mode: 'plus' | 'pool';
  pool_addresses: ColumnType<string[], string[] | undefined, string[]>;
  hold_minutes: Generated<number>;
  updated_at: UpdatedAt;
}

export interface EmailAliasesTable {
  id: Generated<number>;
  project_id: string;
  alias: string;
  visitor_id: string;
  valid_from: Generated<Date>;
  last_seen_at: Generated<Date>;
  valid_to: Date | null;
  /** the client address that asked for a pool binding (null for plus aliases and older rows) */
  ip: Generated<string | null>;
}

export interface MailboxesTable {
  id: Generated<string>;
  project_id: string;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password_enc: string;
  folders: ColumnType<string[], string[] | undefined, string[]>;
  since: Date;
  status: Generated<'pending' | 'connected' | 'error'>;
  status_message: string | null;
  last_sync_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MailboxFoldersTable {
  mailbox_id: string;
  folder: string;
  uid_validity: number;
  last_uid: Generated<number>;
}

export interface EmailMessagesTable {
  id: Generated<number>;
  mailbox_id: string;
  folder: string;
  uid_validity: number;
  uid: number;
  message_id: string | null;
  lead_id: string | null;
  ignored: string | null;
  received_at: CreatedAt;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  invitations: InvitationsTable;
  projects: ProjectsTable;
  auth_failures: AuthFailuresTable;
  password_resets: PasswordResetsTable;
  password_reset_requests: PasswordResetRequestsTable;
  visitors: VisitorsTable;
  visits: VisitsTable;
  hits: HitsTable;
  collected_events: CollectedEventsTable;
  leads: LeadsTable;
  lead_events: LeadEventsTable;
  visitor_contacts: VisitorContactsTable;
  integrations: IntegrationsTable;
  oauth_states: OAuthStatesTable;
  rate_buckets: RateBucketsTable;
  deliveries: DeliveriesTable;
  integration_log: IntegrationLogTable;
  email_tracking: EmailTrackingTable;
  email_aliases: EmailAliasesTable;
  mailboxes: MailboxesTable;
  mailbox_folders: MailboxFoldersTable;
  email_messages: EmailMessagesTable;
}

export type Account = Selectable<AccountsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Project = Selectable<ProjectsTable>;
export type ProjectUpdate = Updateable<ProjectsTable>;
export type Invitation = Selectable<InvitationsTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type Visitor = Selectable<VisitorsTable>;
export type Visit = Selectable<VisitsTable>;
export type Lead = Selectable<LeadsTable>;
export type Integration = Selectable<IntegrationsTable>;
export type Delivery = Selectable<DeliveriesTable>;
