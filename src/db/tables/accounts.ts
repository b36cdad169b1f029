/** Accounts and their people: users, sessions, API tokens, invitations, password resets, sign-in failures. */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from './columns.js';

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

export interface AuthFailuresTable {
  id: Generated<string>;
  email: string;
  ip: string;
  created_at: CreatedAt;
}

export type Account = Selectable<AccountsTable>;

export type User = Selectable<UsersTable>;

export type NewUser = Insertable<UsersTable>;

export type Invitation = Selectable<InvitationsTable>;

export type ApiToken = Selectable<ApiTokensTable>;
