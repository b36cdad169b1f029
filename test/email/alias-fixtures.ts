import { sql } from 'kysely';
import { afterAll, beforeAll, expect } from 'vitest';
import { signUp } from '../helpers/client.js';
import { CHROME_UA, collect } from '../helpers/collect.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Live bindings: the test file reads them once setUpAliasProjects' beforeAll has run.
export let server: TestServer;
export let siteKey: string;
export let projectId: string;
export let otherSiteKey: string;
export let otherProjectId: string;
export const SITE = 'https://shop.ru';

/** A server with two projects, «Диваны» on shop.ru (the one asked by default) and «Кресла». */
export function setUpAliasProjects(): void {
  beforeAll(async () => {
    server = await startTestServer();
    const { client } = await signUp(server.url);
    const p = await client.post<{ id: string; siteKey: string }>('/api/v1/projects', {
      name: 'Диваны',
      domains: ['shop.ru'],
    });
    siteKey = p.body.siteKey;
    projectId = p.body.id;
    const o = await client.post<{ id: string; siteKey: string }>('/api/v1/projects', {
      name: 'Кресла',
      domains: ['kresla.ru'],
    });
    otherSiteKey = o.body.siteKey;
    otherProjectId = o.body.id;
  });
  afterAll(() => server?.close());
}

export interface Answer {
  status: number;
  headers: Headers;
  body: {
    address?: string;
    alias?: string;
    error?: { code: string; message: string; details: unknown };
  } | null;
}

/** The pool binds only visitors with a stored page view (issue 10): pool tests' visitors make one first. */
let mode: 'plus' | 'pool' = 'plus';
const visited = new Set<string>();

/** A page view of the visitor on the site, as the tracker sends before it asks /alias. */
export async function visit(cid: string): Promise<void> {
  const r = await collect(server.url, { site: siteKey, cid, url: `${SITE}/contacts` });
  expect(r.status).toBe(204);
  visited.add(cid);
}

export async function ask(
  cid: string,
  opts: {
    site?: string;
    origin?: string | null;
    userAgent?: string;
    referer?: string;
    /** make a page view first (default: for a visitor of this project's pool not seen yet) */
    visit?: boolean;
  } = {},
): Promise<Answer> {
  if (opts.visit ?? (mode === 'pool' && opts.site === undefined && !visited.has(cid))) await visit(cid);
  const headers: Record<string, string> = { 'user-agent': opts.userAgent ?? CHROME_UA };
  const origin = opts.origin === undefined ? SITE : opts.origin;
  if (origin !== null) headers.origin = origin;
  if (opts.referer) headers.referer = opts.referer;
  const res = await fetch(
    `${server.url}/alias?site=${encodeURIComponent(opts.site ?? siteKey)}&cid=${encodeURIComponent(cid)}`,
    { headers },
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

export async function aliasOf(cid: string): Promise<string> {
  const r = await ask(cid);
  expect(r.status).toBe(200);
  return r.body?.alias ?? '';
}

export async function configure(
  settings: {
    public_address: string;
    alias_mode: 'plus' | 'pool';
    pool_addresses?: string[];
    hold_minutes?: number;
  },
  project = projectId,
) {
  if (project === projectId) mode = settings.alias_mode;
  await server.db.deleteFrom('email_aliases').where('project_id', '=', project).execute();
  await server.db.deleteFrom('email_tracking').where('project_id', '=', project).execute();
  await server.db
    .insertInto('email_tracking')
    .values({ project_id: project, pool_addresses: [], ...settings })
    .execute();
}

export const bindings = (where: { alias?: string; visitor?: string } = {}) => {
  let q = server.db.selectFrom('email_aliases').selectAll().where('project_id', '=', projectId);
  if (where.alias) q = q.where('alias', '=', where.alias);
  if (where.visitor) q = q.where('visitor_id', '=', where.visitor);
  return q.orderBy('id').execute();
};

/** Moves a visitor's open binding(s) `minutes` into the past, as if it had not asked since. */
export const age = (visitor: string, minutes: number) =>
  server.db
    .updateTable('email_aliases')
    .set({ last_seen_at: sql`now() - make_interval(mins => ${minutes}::int)` })
    .where('project_id', '=', projectId)
    .where('visitor_id', '=', visitor)
    .where('valid_to', 'is', null)
    .execute();
