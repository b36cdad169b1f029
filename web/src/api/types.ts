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
  contact: { email: string | null; phone: string | null; name: string | null };
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
