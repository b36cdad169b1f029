import type { ParamKey } from '../../../src/leads/param-keys';

export type Lang = 'ru' | 'en';
export type Role = 'owner' | 'admin' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: Lang | null;
  createdAt: string;
}

export interface Account {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  language: Lang;
  createdAt: string;
}

export interface Me {
  user: User;
  account: Account;
}

export interface Member {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
}

export interface CreatedInvitation extends Invitation {
  url: string;
  /** the link was e-mailed to the invitee (SMTP configured and the mail server took it) */
  emailed: boolean;
}

export interface InviteInfo {
  email: string;
  role: Role;
  accountName: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiToken extends Omit<ApiToken, 'lastUsedAt'> {
  token: string;
}

export interface Project {
  id: string;
  name: string;
  domains: string[];
  timezone: string;
  currency: string;
  siteKey: string;
  apiKey: string | null;
  snippet: string;
  lastHitAt: string | null;
  attributionModel: AttributionModel;
  /** A lead with the same contact within this many minutes is a duplicate. */
  duplicateWindowMinutes: number;
  /** ISO country whose numbering applies to phones written without a country code. */
  phoneRegion: string;
  createdAt: string;
  updatedAt: string;
}

export type AttributionModel = 'last_non_direct' | 'first_click' | 'last_click';

export type LeadType = 'form' | 'phone' | 'chat' | 'email' | 'offline';

/** The 18 lead parameters, in the order the cabinet shows them (shared with the server). */
export type { ParamKey } from '../../../src/leads/param-keys';

export type LeadParams = Record<ParamKey, string | null>;

export interface Visit {
  startedAt: string;
  lastHitAt: string;
  hits: number;
  source: string;
  medium: string;
  campaign: string | null;
  content: string | null;
  term: string | null;
  socialNetwork: string | null;
  landingUrl: string;
  referrer: string | null;
  city: string | null;
  country: string | null;
  device: string | null;
  browser: string | null;
}

export interface Lead {
  id: string;
  projectId: string;
  type: LeadType;
  channel: string;
  externalId: string | null;
  contact: { email: string | null; phone: string | null; name: string | null; company: string | null };
  subject: string | null;
  message: string | null;
  page: string | null;
  visitorId: string | null;
  occurredAt: string;
  createdAt: string;
  attributedAt: string | null;
  isDuplicate: boolean;
  duplicateOf: string | null;
  params: LeadParams;
  /** Only on `GET /leads/:id`: the visitor's visits, oldest first. */
  visits?: Visit[];
}

export interface LeadPage {
  items: Lead[];
  nextCursor: string | null;
}

export interface Items<T> {
  items: T[];
}

export interface ErrorDetail {
  path?: string;
  message: string;
}

/** amoCRM: the three entities a lead can become, in the settings table's column order. */
export type AmoEntity = 'deal' | 'contact' | 'company';

/** A parameter's amoCRM field as stored: the existing or created field, or "do not pass". */
export type AmoStoredField = 'skip' | { fieldId: number; type: string; created: boolean };

export interface AmoEntitySettings {
  enabled: boolean;
  /** lead types for which the entity is created; for the others it is found and updated */
  create: LeadType[];
  responsibleUserId?: number;
  /** deal only */
  pipelineId?: number;
  /** deal only */
  statusId?: number;
  fields: Partial<Record<ParamKey, AmoStoredField>>;
}

export interface AmoSettings {
  leadTypes: LeadType[];
  windowMinutes: number;
  entities: Record<AmoEntity, AmoEntitySettings>;
}

export interface AmoIntegration extends AmoSettings {
  connected: boolean;
  connection: { baseUrl: string; auth: 'long_lived' | 'oauth'; accountId: number | null } | null;
  /** present while an OAuth connection waits for the user to allow access in amoCRM */
  authorizeUrl?: string;
  /** the account refuses every request: deliveries wait (nextProbeAt null = given up, they failed) */
  problem: AmoProblem | null;
}

export interface AmoProblem {
  since: string;
  /** the account's own words, with the HTTP status */
  reason: string;
  status: number | null;
  nextProbeAt: string | null;
  probeUntil: string | null;
}

/** What the user picks for a parameter: an existing field, a new one Leadtrail creates, or nothing. */
export type AmoFieldChoice = { fieldId: number } | 'create' | 'skip';

export interface AmoEntityInput {
  enabled: boolean;
  create: LeadType[];
  responsibleUserId?: number;
  pipelineId?: number;
  statusId?: number;
  fields: Partial<Record<ParamKey, AmoFieldChoice>>;
}

interface AmoConnectionBase {
  subdomain: string;
  /** test and self-hosted setups only; the server refuses it unless allowed */
  baseUrl?: string;
}

export type AmoConnectionInput =
  | (AmoConnectionBase & { longLivedToken: string })
  | (AmoConnectionBase & { clientId: string; clientSecret: string });

export interface AmoSettingsInput {
  connection?: AmoConnectionInput;
  leadTypes?: LeadType[];
  windowMinutes?: number;
  entities?: Partial<Record<AmoEntity, AmoEntityInput>>;
}

export interface AmoField {
  id: number;
  name: string;
  type: string;
  code: string | null;
}

export interface AmoOptions {
  users: Array<{ id: number; name: string }>;
  pipelines: Array<{ id: number; name: string; statuses: Array<{ id: number; name: string }> }>;
  fields: Record<AmoEntity, AmoField[]>;
}

export interface AmoLogEntry {
  id: string;
  at: string;
  level: 'info' | 'warn' | 'error';
  leadId: string | null;
  message: string;
}

export interface AmoLogPage {
  items: AmoLogEntry[];
  nextCursor: string | null;
}

export type DeliveryState = 'pending' | 'waiting' | 'searching' | 'paused' | 'done' | 'skipped' | 'failed';

/** One outbound delivery of a lead: one entity in one destination. */
export interface Delivery {
  id: string;
  leadId: string;
  destination: 'amocrm';
  entity: AmoEntity;
  mode: 'create' | 'update';
  state: DeliveryState;
  reason: string | null;
  remoteId: number | null;
  remoteUrl: string | null;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

/** E-mail tracking: how the site's public address is replaced per visitor. */
export type EmailAliases = { mode: 'plus' } | { mode: 'pool'; addresses: string[]; holdMinutes: number };

export type MailboxStatus = 'pending' | 'connected' | 'error';

/** A mailbox read over IMAP, with its live status (the password is write-only and never shown). */
export interface Mailbox {
  id: string;
  host: string;
  port: number;
  tls: boolean;
  user: string;
  folders: string[];
  /** only messages from this time on are read */
  since: string;
  status: MailboxStatus;
  /** the IMAP server's own words when the status is `error` */
  statusMessage: string | null;
  lastUid: number | null;
  lastSyncAt: string | null;
}

export interface EmailTracking {
  configured: boolean;
  publicAddress: string | null;
  aliases: EmailAliases;
  mailboxes: Mailbox[];
}

/** A mailbox as saved: identified by host + user; `password` left out keeps the stored one. */
export interface MailboxInput {
  host: string;
  port?: number;
  tls?: boolean;
  user: string;
  password?: string;
  folders?: string[];
  since?: string;
}

export interface EmailTrackingInput {
  publicAddress: string;
  aliases: { mode: 'plus' } | { mode: 'pool'; addresses: string[]; holdMinutes?: number };
  /** replaces the project's mailboxes */
  mailboxes: MailboxInput[];
}

/** A connection test; without `password`, the stored one of `mailboxId` is used. */
export interface MailboxTestInput {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password?: string;
  mailboxId?: string;
}

export interface MailboxTestResult {
  ok: boolean;
  /** the IMAP server's own words on failure */
  message: string;
}
