/** E-mail tracking: settings, aliases, mailboxes read over IMAP, and the messages seen. */
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from './columns.js';

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
