import { expect } from 'vitest';
import type { LeadJson } from '../../src/leads/serialize.js';
import { ApiClient, type ErrorReply, type Reply } from './client.js';

/**
 * POST /api/v1/leads as a server sends it: the project's secret key in X-Api-Key (none when
 * `apiKey` is null), no cookie, no Origin. `raw` sends that text as the body instead of `body`.
 */
export function postLead(
  baseUrl: string,
  apiKey: string | null,
  body: unknown,
  init: { headers?: Record<string, string>; raw?: string } = {},
): Promise<Reply<LeadJson & ErrorReply>> {
  const client = new ApiClient(baseUrl, {
    origin: null,
    headers: apiKey === null ? {} : { 'x-api-key': apiKey },
  });
  return client.request('POST', '/api/v1/leads', init.raw === undefined ? body : undefined, init);
}

/** A lead that must be created (201): posts it and returns it. */
export async function createLead(baseUrl: string, apiKey: string, body: unknown): Promise<LeadJson> {
  const r = await postLead(baseUrl, apiKey, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}
