import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './helpers/assert.js';
import { type ApiClient, signUp } from './helpers/client.js';
import { createLead } from './helpers/leads.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/**
 * Issue 10: every query and path parameter of every GET route is validated, so hostile values
 * (U+0000, a broken surrogate, over-long text, numbers past what the column holds, impossible
 * dates, unknown enum values) are a 4xx naming the parameter, never a 500 from PostgreSQL.
 */
let server: TestServer;
let owner: ApiClient;
let projectId: string;
let siteKey: string;
let leadId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ client: owner } = await signUp(server.url));
  const p = await owner.post<{ id: string; siteKey: string; apiKey: string }>('/api/v1/projects', {
    name: 'Параметры',
    domains: ['params-shop.ru'],
  });
  projectId = p.body.id;
  siteKey = p.body.siteKey;
  leadId = (
    await createLead(server.url, p.body.apiKey, { type: 'offline', contact: { email: 'params@example.ru' } })
  ).id;
});
afterAll(() => server?.close());

const NUL = '%00';
const SURROGATE = '%ED%A0%80'; // U+D800 as UTF-8 bytes: no character
const LONG = 'x'.repeat(5000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * [what, path and query (after the server URL), the parameter the 400 must name — or null when
 * the value is not bad, only odd (bytes that are no UTF-8 arrive as they were sent): anything but a 5xx]
 */
type Case = [string, () => string, string | null];

const cases: Case[] = [
  // GET /api/v1/projects/:id/leads
  ['leads source NUL', () => `/api/v1/projects/${projectId}/leads?source=${NUL}`, 'querystring.source'],
  ['leads source surrogate', () => `/api/v1/projects/${projectId}/leads?source=${SURROGATE}`, null],
  ['leads source long', () => `/api/v1/projects/${projectId}/leads?source=${LONG}`, 'querystring.source'],
  ['leads cursor NUL', () => `/api/v1/projects/${projectId}/leads?cursor=${NUL}`, 'querystring.cursor'],
  ['leads cursor junk', () => `/api/v1/projects/${projectId}/leads?cursor=abc`, 'querystring.cursor'],
  [
    'leads cursor date out of range',
    () => `/api/v1/projects/${projectId}/leads?cursor=${b64(['-271821-04-20T00:00:00.000Z', randomUUID()])}`,
    'querystring.cursor',
  ],
  [
    'leads cursor not a pair',
    () => `/api/v1/projects/${projectId}/leads?cursor=${b64({ a: 1 })}`,
    'querystring.cursor',
  ],
  [
    'leads from month 13',
    () => `/api/v1/projects/${projectId}/leads?from=2025-13-01T00:00:00Z`,
    'querystring.from',
  ],
  [
    'leads from 30 Feb',
    () => `/api/v1/projects/${projectId}/leads?from=2025-02-30T00:00:00Z`,
    'querystring.from',
  ],
  ['leads to NUL', () => `/api/v1/projects/${projectId}/leads?to=${NUL}`, 'querystring.to'],
  ['leads type unknown', () => `/api/v1/projects/${projectId}/leads?type=fax`, 'querystring.type'],
  [
    'leads limit huge',
    () => `/api/v1/projects/${projectId}/leads?limit=99999999999999999999`,
    'querystring.limit',
  ],
  ['leads limit fraction', () => `/api/v1/projects/${projectId}/leads?limit=1.5`, 'querystring.limit'],
  ['leads limit words', () => `/api/v1/projects/${projectId}/leads?limit=abc`, 'querystring.limit'],
  ['leads project id not uuid', () => `/api/v1/projects/123/leads`, 'params.id'],
  ['leads project id NUL', () => `/api/v1/projects/${NUL}/leads`, 'params.id'],
  // GET /api/v1/projects/:id/integrations/amocrm/log
  [
    'amocrm log cursor past bigint',
    () => `/api/v1/projects/${projectId}/integrations/amocrm/log?cursor=99999999999999999999999999`,
    'querystring.cursor',
  ],
  [
    'amocrm log cursor NUL',
    () => `/api/v1/projects/${projectId}/integrations/amocrm/log?cursor=${NUL}`,
    'querystring.cursor',
  ],
  [
    'amocrm log cursor negative',
    () => `/api/v1/projects/${projectId}/integrations/amocrm/log?cursor=-1`,
    'querystring.cursor',
  ],
  [
    'amocrm log limit huge',
    () => `/api/v1/projects/${projectId}/integrations/amocrm/log?limit=1e300`,
    'querystring.limit',
  ],
  ['amocrm log project id', () => `/api/v1/projects/x/integrations/amocrm/log`, 'params.id'],
  // amoCRM integration, options, OAuth callback
  ['amocrm project id', () => `/api/v1/projects/${NUL}/integrations/amocrm`, 'params.id'],
  ['amocrm options project id', () => `/api/v1/projects/1/integrations/amocrm/options`, 'params.id'],
  [
    'amocrm callback state NUL',
    () => `/api/v1/integrations/amocrm/callback?state=${NUL}`,
    'querystring.state',
  ],
  [
    'amocrm callback state surrogate',
    () => `/api/v1/integrations/amocrm/callback?state=${SURROGATE}${'x'.repeat(20)}`,
    null,
  ],
  [
    'amocrm callback code NUL',
    () => `/api/v1/integrations/amocrm/callback?state=abcdef&code=${NUL}`,
    'querystring.code',
  ],
  [
    'amocrm callback error NUL',
    () => `/api/v1/integrations/amocrm/callback?state=abcdef&error=${NUL}`,
    'querystring.error',
  ],
  [
    'amocrm callback state long',
    () => `/api/v1/integrations/amocrm/callback?state=${LONG}`,
    'querystring.state',
  ],
  // leads, deliveries
  ['lead id not uuid', () => `/api/v1/leads/42`, 'params.id'],
  ['lead id NUL', () => `/api/v1/leads/${NUL}`, 'params.id'],
  ['lead deliveries id', () => `/api/v1/leads/${NUL}/deliveries`, 'params.id'],
  ['projects id', () => `/api/v1/projects/99999999999999999999`, 'params.id'],
  ['email tracking id', () => `/api/v1/projects/${NUL}/email-tracking`, 'params.id'],
  // invitations
  ['invite token NUL', () => `/api/v1/invite/${NUL.repeat(12)}`, 'params.token'],
  ['invite token surrogate', () => `/api/v1/invite/${SURROGATE.repeat(12)}`, null],
  ['invite token long', () => `/api/v1/invite/${'a'.repeat(500)}`, 'params.token'],
  ['invite token longer than the router takes', () => `/api/v1/invite/${'a'.repeat(3000)}`, 'params'],
  ['invite token bad escape', () => `/api/v1/invite/abcdefghijk%E0%A4%A`, 'params'],
  ['lead id bad escape', () => `/api/v1/leads/%E0%A4%A`, 'params'],
  // the tracker's alias endpoint
  ['alias site NUL', () => `/alias?site=${NUL}${siteKey}&cid=${'a'.repeat(20)}`, 'querystring.site'],
  ['alias cid NUL', () => `/alias?site=${siteKey}&cid=${'a'.repeat(20)}${NUL}`, 'querystring.cid'],
  ['alias cid long', () => `/alias?site=${siteKey}&cid=${'a'.repeat(500)}`, 'querystring.cid'],
];

/** Routes without parameters of their own: whatever the query holds is ignored, never a 500. */
const plain = [
  '/api/v1/me',
  '/api/v1/account',
  '/api/v1/projects',
  '/api/v1/tokens',
  '/api/v1/users',
  '/api/v1/invitations',
  '/healthz',
  '/t.js',
];

describe('query and path parameters of every GET route', () => {
  it.each(cases)('%s: a 400 naming the parameter, never a 500', async (_what, url, param) => {
    const r = await owner.get(url());
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
    if (param !== null) expectError(r, 400, 'validation_error', param);
  });

  it.each(plain)('%s ignores hostile query parameters', async (path) => {
    const r = await owner.get(`${path}?x=${NUL}&limit=99999999999999999999&cursor=${SURROGATE}`);
    expect(r.status).toBeLessThan(500);
  });

  it('still answers good values (the suite above refuses for the right reason)', async () => {
    const leads = await owner.get<{ items: unknown[] }>(
      `/api/v1/projects/${projectId}/leads?source=(direct)&type=offline&limit=200&from=2020-01-01T00:00:00Z`,
    );
    expect(leads.status).toBe(200);
    const log = await owner.get(
      `/api/v1/projects/${projectId}/integrations/amocrm/log?cursor=9007199254740991`,
    );
    expect(log.status).toBe(200);
    const lead = await owner.get(`/api/v1/leads/${leadId}`);
    expect(lead.status).toBe(200);
  });
});
