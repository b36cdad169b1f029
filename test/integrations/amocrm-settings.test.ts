import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAmo, startFakeAmo } from '../../fakes/amocrm/server.js';
import { expectError } from '../helpers/assert.js';
import { type ApiClient, signUp } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let amo: FakeAmo;
let client: ApiClient;
let projectId: string;
const path = () => `/api/v1/projects/${projectId}/integrations/amocrm`;

beforeAll(async () => {
  server = await startTestServer({ ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true' });
  amo = await startFakeAmo({ redirectUri: `${server.url}/api/v1/integrations/amocrm/callback` });
  ({ client } = await signUp(server.url));
  projectId = (
    await client.post<{ id: string }>('/api/v1/projects', { name: 'Диваны', domains: ['divan.ru'] })
  ).body.id;
});
afterAll(async () => {
  await amo?.close();
  await server?.close();
});

type Settings = {
  connected: boolean;
  connection: { baseUrl: string; auth: string } | null;
  authorizeUrl?: string;
  leadTypes: string[];
  windowMinutes: number;
  entities: Record<string, { enabled: boolean; create: string[]; fields: Record<string, unknown> }>;
};

const connection = () => ({ subdomain: 'acme', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() });
const leadField = (name: string) => amo.state.customFieldsByEntity.leads.find((f) => f.name === name);
const fieldNamed = (entity: 'leads' | 'contacts' | 'companies', name: string) =>
  amo.state.customFieldsByEntity[entity].filter((f) => f.name === name);
const pipeline = () => amo.state.pipelines[0] as { id: number; statuses: Array<{ id: number }> };

function fullSettings() {
  return {
    connection: connection(),
    leadTypes: ['form', 'phone', 'email'],
    windowMinutes: 180,
    entities: {
      deal: {
        enabled: true,
        create: ['form', 'email'],
        responsibleUserId: 8_100_002,
        pipelineId: pipeline().id,
        statusId: pipeline().statuses[1]?.id,
        fields: {
          source: { fieldId: leadField('utm_source')?.id },
          campaign: 'create',
          term: 'skip',
          ga_client_id: 'create',
        },
      },
      contact: { enabled: true, create: ['form'], responsibleUserId: 8_100_001, fields: { city: 'create' } },
      company: { enabled: false, create: [], fields: {} },
    },
  };
}

describe('amoCRM settings API', () => {
  it('shows an unconfigured integration with the defaults', async () => {
    const r = await client.get<Settings>(path());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ connected: false, connection: null, windowMinutes: 180 });
    expect(r.body.leadTypes).toEqual(['form', 'phone', 'chat', 'email', 'offline']);
  });

  it('answers options only once connected', async () => {
    expectError(await client.get(`${path()}/options`), 409, 'amocrm_not_connected');
  });

  it('connects with a long-lived token, checks the settings and creates the asked-for fields once', async () => {
    const r = await client.put<Settings>(path(), fullSettings());
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.connected).toBe(true);
    expect(r.body.connection).toMatchObject({ baseUrl: amo.url, auth: 'long_lived' });
    const campaign = fieldNamed('leads', 'Кампания (Leadtrail)');
    const ga = fieldNamed('leads', 'Идентификатор клиента GA (Leadtrail)');
    const city = fieldNamed('contacts', 'Город (Leadtrail)');
    expect([campaign.length, ga.length, city.length]).toEqual([1, 1, 1]);
    expect(fieldNamed('leads', 'ID лида Leadtrail')).toHaveLength(1);
    expect(fieldNamed('contacts', 'ID лида Leadtrail')).toHaveLength(1);
    expect(r.body.entities.deal?.fields).toEqual({
      source: { fieldId: leadField('utm_source')?.id, type: 'tracking_data', created: false },
      campaign: { fieldId: campaign[0]?.id, type: 'text', created: true },
      term: 'skip',
      ga_client_id: { fieldId: ga[0]?.id, type: 'text', created: true },
    });
    expect((await client.get<Settings>(path())).body).toEqual(r.body);

    // Saved again with "create": the same fields, nothing new in amoCRM.
    const before = amo.state.customFields.length;
    const again = await client.put<Settings>(path(), { ...fullSettings(), connection: undefined });
    expect(again.status).toBe(200);
    expect(amo.state.customFields.length).toBe(before);
    expect(again.body.entities).toEqual(r.body.entities);
  });

  it('lists the account’s users, pipelines and fields live', async () => {
    const r = await client.get<{
      users: Array<{ id: number; name: string }>;
      pipelines: Array<{ id: number; statuses: unknown[] }>;
      fields: Record<string, Array<{ id: number; name: string; type: string }>>;
    }>(`${path()}/options`);
    expect(r.status).toBe(200);
    expect(r.body.users.map((u) => u.name)).toContain('Мария Смирнова');
    expect(r.body.pipelines.length).toBe(amo.state.pipelines.length);
    expect(r.body.fields.deal?.map((f) => f.name)).toContain('Кампания (Leadtrail)');
    expect(r.body.fields.contact?.map((f) => f.name)).toContain('Город (Leadtrail)');
  });

  it('refuses settings that do not match the account, naming each problem, and changes nothing', async () => {
    const before = (await client.get<Settings>(path())).body;
    const bad = fullSettings();
    bad.entities.deal.responsibleUserId = 999;
    bad.entities.deal.statusId = 12345;
    bad.entities.contact.fields = { city: { fieldId: 777 } } as never;
    const e = expectError(
      await client.put(path(), { ...bad, connection: undefined }),
      422,
      'amocrm_settings_invalid',
    );
    expect(e.error.details).toEqual([
      { path: 'body.entities.deal.responsibleUserId', message: 'no user 999 in amoCRM' },
      { path: 'body.entities.deal.statusId', message: expect.stringContaining('no status 12345') },
      { path: 'body.entities.contact.fields.city', message: 'no contact field 777 in amoCRM' },
    ]);
    const select = fullSettings();
    select.entities.deal.fields.source = { fieldId: leadField('Источник заявки')?.id };
    const e2 = expectError(
      await client.put(path(), { ...select, connection: undefined }),
      422,
      'amocrm_settings_invalid',
    );
    expect(JSON.stringify(e2.error.details)).toContain('of type select');
    expect((await client.get<Settings>(path())).body).toEqual(before);
  });

  it('validates the body itself: unknown parameters, lead types and fields are 400', async () => {
    const r = await client.put(path(), {
      leadTypes: ['fax'],
      entities: { deal: { enabled: true, fields: { colour: 'create' } } },
    });
    const e = expectError(r, 400, 'validation_error');
    const paths = (e.error.details as Array<{ path: string }>).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.leadTypes.0', 'body.entities.deal.fields.colour']));
  });

  it('refuses a rejected token with amoCRM’s reason and keeps the old connection', async () => {
    const e = expectError(
      await client.put(path(), {
        connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: 'not-a-token' },
      }),
      422,
      'amocrm_rejected',
    );
    expect(e.error.message).not.toContain('not-a-token');
    expect((await client.get<Settings>(path())).body.connected).toBe(true);
  });

  it('keeps tokens sealed at rest', async () => {
    const token = amo.issueLongLivedToken();
    expect(
      (
        await client.put(path(), {
          connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: token },
        })
      ).status,
    ).toBe(200);
    const row = await server.db.selectFrom('integrations').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('keeps the stored lead types and window when a new token comes alone', async () => {
    const set = await client.put<Settings>(path(), { leadTypes: ['form'], windowMinutes: 60 });
    expect(set.status).toBe(200);
    const r = await client.put<Settings>(path(), {
      connection: { subdomain: 'acme', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() },
    });
    expect(r.body).toMatchObject({ leadTypes: ['form'], windowMinutes: 60 });
    expect(r.body.entities).toEqual(set.body.entities);
  });

  it('is another account’s project: 404; a viewer cannot change it', async () => {
    const other = await signUp(server.url);
    expectError(await other.client.get(path()), 404, 'not_found');
    expectError(await other.client.put(path(), { leadTypes: [] }), 404, 'not_found');
  });

  it('connects by OAuth: authorize URL → amoCRM consent → callback → tokens stored', async () => {
    const oauthProject = (
      await client.post<{ id: string }>('/api/v1/projects', { name: 'OAuth', domains: ['oauth.ru'] })
    ).body.id;
    const p = `/api/v1/projects/${oauthProject}/integrations/amocrm`;
    const r = await client.put<Settings>(p, {
      connection: {
        subdomain: 'acme',
        baseUrl: amo.url,
        clientId: amo.clientId,
        clientSecret: amo.clientSecret,
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.connected).toBe(false);
    expect(r.body.authorizeUrl).toMatch(/\/oauth\?client_id=/);

    const consent = await fetch(r.body.authorizeUrl ?? '', { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = consent.headers.get('location') ?? '';
    expect(callback.startsWith(`${server.url}/api/v1/integrations/amocrm/callback?`)).toBe(true);
    const back = await client.get(callback.slice(server.url.length));
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${server.url}/projects/${oauthProject}/amocrm?connected=1`);
    const after = await client.get<Settings>(p);
    expect(after.body).toMatchObject({ connected: true, connection: { auth: 'oauth' } });
    expect(amo.state.codeExchanges).toBeGreaterThanOrEqual(1);

    // The state is single use.
    expectError(await client.get(callback.slice(server.url.length)), 400, 'oauth_state_invalid');
    expect((await client.get(`${p}/options`)).status).toBe(200);
  });

  it('refuses a custom base URL unless the server allows it', async () => {
    const strict = await startTestServer();
    try {
      const { client: c } = await signUp(strict.url);
      const id = (await c.post<{ id: string }>('/api/v1/projects', { name: 'X', domains: ['x.ru'] })).body.id;
      expectError(
        await c.put(`/api/v1/projects/${id}/integrations/amocrm`, { connection: connection() }),
        422,
        'custom_host_not_allowed',
      );
      expect(await strict.db.selectFrom('integrations').selectAll().execute()).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
