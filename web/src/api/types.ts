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
  createdAt: string;
  updatedAt: string;
}

export interface Items<T> {
  items: T[];
}

export interface ErrorDetail {
  path?: string;
  message: string;
}
