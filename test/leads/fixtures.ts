import { expect } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import type { LeadJson } from '../../src/leads/serialize.js';
import type { ProjectJson } from '../../src/projects/serialize.js';
import { type ApiClient, joinAccount, signUp } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The site of the «Диваны» project. */
export const site = 'https://divan-shop.ru';

export interface LeadsWorld {
  server: TestServer;
  owner: ApiClient;
  /** a viewer invited into the owner's account */
  viewer: ApiClient;
  /** the owner of another account */
  stranger: ApiClient;
  /** a personal API token of the owner */
  bearerToken: string;
  project: ProjectJson;
  /** the project's secret key */
  apiKey: string;
}

/** A server, an account with the project «Диваны» (Moscow time), its viewer and token, and a stranger. */
export async function startLeadsWorld(): Promise<LeadsWorld> {
  const server = await startTestServer();
  const { client: owner } = await signUp(server.url, { accountName: 'ООО «Диваны»' });
  const p = await owner.post<ProjectJson>('/api/v1/projects', {
    name: 'Диваны',
    domains: ['divan-shop.ru'],
    timezone: 'Europe/Moscow',
  });
  expect(p.status).toBe(201);
  const { client: viewer } = await joinAccount(owner, 'viewer', { name: 'Наблюдатель' });
  const token = await owner.post<{ token: string }>('/api/v1/tokens', { name: 'импорт из 1С' });
  const { client: stranger } = await signUp(server.url, { accountName: 'АО «Чужие»' });
  return {
    server,
    owner,
    viewer,
    stranger,
    bearerToken: token.body.token,
    project: p.body,
    apiKey: p.body.apiKey ?? '',
  };
}

export const leadCount = async (db: Db, projectId: string) =>
  Number(
    (
      await db
        .selectFrom('leads')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The types of a lead's events, oldest first. */
export const eventsOf = async (db: Db, leadId: string) =>
  (
    await db.selectFrom('lead_events').select('type').where('lead_id', '=', leadId).orderBy('id').execute()
  ).map((e) => e.type);

export const getLead = (client: ApiClient, id: string) => client.get<LeadJson>(`/api/v1/leads/${id}`);
