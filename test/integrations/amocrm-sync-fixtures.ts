import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { AmoClient } from '../../src/integrations/amocrm/client.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { createLead } from '../helpers/leads.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/until.js';

// Live bindings: the test file reads them once setUpDelivery's beforeAll has run.
/** Leadtrail: custom integration hosts allowed, retries after 1 s, probes every 2 s */
export let server: TestServer;
export let amo: FakeAmo;
/** the owner of the account in Leadtrail */
export let client: ApiClient;
let amoToken: string;
/** a client of the fake on its own token and pace (amoCRM counts 7 requests a second per token) */
export let direct: AmoClient;

export const SITE = 'https://divan.ru';

export interface Project {
  id: string;
  siteKey: string;
  apiKey: string;
  name: string;
}
export interface Delivery {
  id: string;
  entity: string;
  mode: string;
  state: string;
  reason: string | null;
  remoteId: number | null;
  lastError: string | null;
}

/** Starts the server and the fake for the file's tests; the fake's faults are reset before each. */
export function setUpDelivery(): void {
  beforeAll(async () => {
    server = await startTestServer({
      ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true',
      DELIVERY_RETRY_SECONDS: '1',
      INTEGRATION_PROBE_SECONDS: '2',
    });
    amo = await startFakeAmo();
    amoToken = amo.issueLongLivedToken();
    // Its own token and pace: amoCRM counts 7 requests a second per token.
    const directToken = amo.issueLongLivedToken();
    let last = 0;
    direct = new AmoClient({
      fetch,
      baseUrl: amo.url,
      tokens: { get: async () => directToken, renew: async () => directToken },
      gate: {
        acquire: async () => {
          const wait = last + 200 - Date.now();
          last = Math.max(Date.now(), last + 200);
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        },
      },
    });
    ({ client } = await signUp(server.url));
  });
  afterAll(async () => {
    await amo?.close();
    await server?.close();
  });
  beforeEach(() => amo.faults.reset());
}

let projects = 0;
/** A project of the account, connected to the fake with these settings. */
export async function newProject(settings: Record<string, unknown>): Promise<Project> {
  const name = `Диваны ${++projects}`;
  const r = await client.post<Project>('/api/v1/projects', { name, domains: ['divan.ru'] });
  const project = { ...r.body, name };
  const put = await client.put(`/api/v1/projects/${project.id}/integrations/amocrm`, {
    connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amoToken },
    ...settings,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return project;
}

/** A lead created in project `p` (201); its id. */
export const newLead = async (p: Project, body: Record<string, unknown>) =>
  (await createLead(server.url, p.apiKey, body)).id;

export const deliveries = async (leadId: string) =>
  (await client.get<{ items: Delivery[] }>(`/api/v1/leads/${leadId}/deliveries`)).body.items;

export const settled = (leadId: string, states = ['done', 'skipped', 'failed']) =>
  until(`deliveries of ${leadId}`, async () => {
    const ds = await deliveries(leadId);
    return ds.length > 0 && ds.every((d) => states.includes(d.state)) && ds;
  });

export const leadField = (name: string) =>
  amo.state.customFieldsByEntity.leads.find((f) => f.name === name)?.id ?? 0;
export const dealsNamed = (name: string) =>
  [...amo.state.entities.leads.values()].filter((l) => l.name === name);

export const createBoth = {
  leadTypes: ['form', 'email', 'offline'],
  entities: {
    deal: {
      enabled: true,
      create: ['form', 'offline'],
      responsibleUserId: 8_100_002,
      fields: {
        source: 'create',
        campaign: 'create',
        path: 'create',
        ga_client_id: 'create',
        page: 'create',
      },
    },
    contact: { enabled: true, create: ['form', 'offline'], fields: { city: 'create' } },
  },
};
