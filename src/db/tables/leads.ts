/** Leads, their parameters, and the lead events the outbox dispatches. */
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt } from './columns.js';

export type LeadType = 'form' | 'phone' | 'chat' | 'email' | 'offline';

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

export type Lead = Selectable<LeadsTable>;
