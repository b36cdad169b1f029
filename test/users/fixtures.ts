import { expect } from 'vitest';
import { type ApiClient, joinAccount, signUp } from '../helpers/client.js';
import type { TestServer } from '../helpers/server.js';

export type Role = 'owner' | 'admin' | 'viewer';

export interface UserJson {
  id: string;
  email: string;
  name: string;
  role: Role;
  language: 'ru' | 'en' | null;
  createdAt: string;
}
export interface AccountJson {
  id: string;
  name: string;
  timezone: string;
  currency: string;
  language: 'ru' | 'en';
}
export interface Me {
  user: UserJson;
  account: AccountJson;
}
export interface InvitationJson {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  url: string;
}
export interface Member {
  client: ApiClient;
  id: string;
  email: string;
  password: string;
}

export const PASSWORD = 'пароль-надёжный-123';

let seq = 0;
export const email = (who: string) => `${who}.${++seq}.${Date.now()}@example.ru`;
export const tokenOf = (url: string) => url.split('/invite/')[1] ?? '';

/** Accounts and members on the test file's server (`server` gives it once its beforeAll ran). */
export function accountHelpers(server: () => TestServer) {
  async function newAccount(accountName = 'ООО «Северный ветер»'): Promise<Member & { accountId: string }> {
    const s = await signUp(server().url, { accountName });
    return { client: s.client, id: s.userId, email: s.email, password: s.password, accountId: s.accountId };
  }

  async function invite(by: ApiClient, role: 'admin' | 'viewer', address = email(role)) {
    const r = await by.post<InvitationJson>('/api/v1/invitations', { email: address, role });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  /** Invites and accepts: a new member of `by`'s account with its own signed-in client. */
  async function join(by: ApiClient, role: Role, name = 'Сотрудник'): Promise<Member> {
    const m = await joinAccount(by, role === 'owner' ? 'admin' : role, {
      email: email(role),
      password: PASSWORD,
      name,
    });
    if (role === 'owner') {
      expect((await by.patch(`/api/v1/users/${m.userId}`, { role: 'owner' })).status).toBe(200);
    }
    return { client: m.client, id: m.userId, email: m.email, password: PASSWORD };
  }

  const owners = (accountId: string) =>
    server()
      .db.selectFrom('users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('role', '=', 'owner')
      .execute()
      .then((rows) => rows.map((r) => r.id).sort());

  return { newAccount, invite, join, owners };
}
