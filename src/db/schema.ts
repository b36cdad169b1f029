/**
 * The database as Kysely sees it: one `Database` interface naming every table. The tables' row
 * types live in tables/, one module per concern; they are re-exported here, so code imports them
 * all from this module.
 */
import type {
  AccountsTable,
  ApiTokensTable,
  AuthFailuresTable,
  InvitationsTable,
  PasswordResetRequestsTable,
  PasswordResetsTable,
  SessionsTable,
  UsersTable,
} from './tables/accounts.js';
import type { DeliveriesTable, RateBucketsTable } from './tables/delivery.js';
import type {
  EmailAliasesTable,
  EmailMessagesTable,
  EmailTrackingTable,
  MailboxesTable,
  MailboxFoldersTable,
} from './tables/email.js';
import type { IntegrationLogTable, IntegrationsTable, OAuthStatesTable } from './tables/integrations.js';
import type { LeadEventsTable, LeadsTable } from './tables/leads.js';
import type { ProjectsTable } from './tables/projects.js';
import type {
  CollectedEventsTable,
  HitsTable,
  VisitorContactsTable,
  VisitorsTable,
  VisitsTable,
} from './tables/tracking.js';

export type * from './tables/accounts.js';
export type * from './tables/delivery.js';
export type * from './tables/email.js';
export type * from './tables/integrations.js';
export type * from './tables/leads.js';
export type * from './tables/projects.js';
export type * from './tables/tracking.js';

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
