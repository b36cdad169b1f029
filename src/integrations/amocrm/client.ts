/**
 * Typed amoCRM (Kommo) API v4 client. Every answer is checked with zod; errors are AmoError with a kind
 * and a retryable flag. The client retries nothing except one request after a 401 with a renewed token:
 * whether a write may be repeated is the caller's call.
 */
import { z } from 'zod';
import { badResponse, idsInOrder, inChunks, withRequestIds } from './batches.js';
import { AmoError } from './errors.js';
import type {
  AmoCompanyInput,
  AmoCompanyUpdate,
  AmoComplexLeadInput,
  AmoContactInput,
  AmoContactUpdate,
  AmoCustomFieldInput,
  AmoEntityType,
  AmoLeadInput,
  AmoLeadUpdate,
  AmoLinkInput,
  AmoNoteInput,
} from './inputs.js';
import {
  type AmoAccount,
  type AmoCompany,
  type AmoComplexResult,
  type AmoContact,
  type AmoCustomField,
  type AmoLead,
  type AmoLink,
  type AmoPipeline,
  type AmoUser,
  accountSchema,
  companySchema,
  complexAnswerSchema,
  contactSchema,
  createdSchema,
  customFieldSchema,
  leadSchema,
  linkSchema,
  pageSchema,
  pipelineSchema,
  updatedSchema,
  userSchema,
} from './schemas.js';
import {
  AmoHttp,
  type AmoRateGate,
  type AmoTokenSource,
  DEFAULT_TIMEOUT_MS,
  type Method,
  parseAnswer,
  type Query,
} from './transport.js';

export type { AmoErrorKind, AmoFieldError } from './errors.js';
export { AmoError, isAmoError } from './errors.js';
export type {
  AmoCfInput,
  AmoCfValueInput,
  AmoCompanyInput,
  AmoCompanyUpdate,
  AmoComplexLeadInput,
  AmoComplexMetadata,
  AmoContactInput,
  AmoContactUpdate,
  AmoCustomFieldInput,
  AmoEmbeddedTags,
  AmoEntityType,
  AmoLeadInput,
  AmoLeadUpdate,
  AmoLinkInput,
  AmoNoteInput,
  AmoTagRef,
} from './inputs.js';
export { contactChannels, fieldValue, readField, tagRefs } from './inputs.js';
export type { AmoOAuthClient } from './oauth-grants.js';
export { exchangeAuthorizationCode, refreshAccessToken } from './oauth-grants.js';
export type {
  AmoAccount,
  AmoCfEntry,
  AmoCfValue,
  AmoCompany,
  AmoComplexResult,
  AmoContact,
  AmoCustomField,
  AmoLead,
  AmoLink,
  AmoPipeline,
  AmoStatus,
  AmoTag,
  AmoTokens,
  AmoUser,
} from './schemas.js';
export type { AmoRateGate, AmoTokenSource } from './transport.js';

export interface AmoClientOptions {
  /** the account host, e.g. https://example.amocrm.ru */
  baseUrl: string;
  tokens: AmoTokenSource;
  gate?: AmoRateGate;
  /** per HTTP request, default 15000 */
  timeoutMs?: number;
  fetch: typeof fetch;
}

/** amoCRM recommends ≤ 50 entities per write (250 is the hard cap); /leads/complex allows 50. */
export const WRITE_CHUNK = 50;
/** the largest page amoCRM serves */
export const PAGE_LIMIT = 250;
/** a server that keeps announcing `next` must not keep us looping */
const MAX_PAGES = 1_000;

const label = (method: Method, path: string) => `${method} ${path}`;

export class AmoClient {
  private readonly http: AmoHttp;

  constructor(opts: AmoClientOptions) {
    this.http = new AmoHttp({
      baseUrl: opts.baseUrl,
      tokens: opts.tokens,
      gate: opts.gate,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: opts.fetch,
    });
  }

  // --- account settings -----------------------------------------------------------------

  /** Any user may call it: also the cheapest token check. */
  async account(): Promise<AmoAccount> {
    const path = '/api/v4/account';
    const { data } = await this.http.call('GET', path);
    if (data === undefined) throw badResponse(label('GET', path), 'empty answer');
    return parseAnswer(accountSchema, data, label('GET', path), 'the account');
  }

  /** All users (all pages). amoCRM allows this to admins only: others get `forbidden`. */
  users(): Promise<AmoUser[]> {
    return this.list('/api/v4/users', 'users', userSchema);
  }

  async pipelines(): Promise<AmoPipeline[]> {
    const path = '/api/v4/leads/pipelines';
    const { data } = await this.http.call('GET', path);
    if (data === undefined) return [];
    return this.embedded(data, 'pipelines', pipelineSchema, label('GET', path));
  }

  customFields(entity: AmoEntityType): Promise<AmoCustomField[]> {
    return this.list(`/api/v4/${entity}/custom_fields`, 'custom_fields', customFieldSchema);
  }

  /** Admin only. Returns the created fields in input order. */
  async createCustomFields(entity: AmoEntityType, fields: AmoCustomFieldInput[]): Promise<AmoCustomField[]> {
    const path = `/api/v4/${entity}/custom_fields`;
    const out: AmoCustomField[] = [];
    for (let offset = 0; offset < fields.length; offset += WRITE_CHUNK) {
      const chunk = fields.slice(offset, offset + WRITE_CHUNK);
      const { data } = await this.http.call('POST', path, { body: chunk });
      const created = this.embedded(data, 'custom_fields', customFieldSchema, label('POST', path));
      if (created.length !== chunk.length) {
        throw badResponse(label('POST', path), `sent ${chunk.length} fields, got ${created.length} back`);
      }
      out.push(...created);
    }
    return out;
  }

  // --- writes -----------------------------------------------------------------------------

  /** Returns the new ids in input order (50 per request). */
  createLeads(leads: AmoLeadInput[]): Promise<number[]> {
    return this.create('leads', leads);
  }

  createContacts(contacts: AmoContactInput[]): Promise<number[]> {
    return this.create('contacts', contacts);
  }

  createCompanies(companies: AmoCompanyInput[]): Promise<number[]> {
    return this.create('companies', companies);
  }

  /** Bulk PATCH; returns the ids in input order. `_embedded.tags` replaces all tags: prefer tags_to_add. */
  updateLeads(leads: AmoLeadUpdate[]): Promise<number[]> {
    return this.update('leads', leads);
  }

  updateContacts(contacts: AmoContactUpdate[]): Promise<number[]> {
    return this.update('contacts', contacts);
  }

  updateCompanies(companies: AmoCompanyUpdate[]): Promise<number[]> {
    return this.update('companies', companies);
  }

  /** Lead + ≤ 1 contact + ≤ 1 company per item, 50 items per request; results in input order. */
  createComplexLeads(items: AmoComplexLeadInput[]): Promise<AmoComplexResult[]> {
    const path = '/api/v4/leads/complex';
    const request = label('POST', path);
    return inChunks(items, WRITE_CHUNK, async (chunk, offset) => {
      const body = withRequestIds(chunk, offset);
      const { data } = await this.http.call('POST', path, { body });
      if (data === undefined) throw badResponse(request, 'empty answer');
      const results = parseAnswer(complexAnswerSchema, data, request, 'the complex answer');
      // Duplicate control may merge several items into one lead: its request_id then lists them all,
      // so the answer can be shorter than the request. request_id says which input each belongs to.
      const byRid = new Map<string, AmoComplexResult>();
      for (const r of results) for (const rid of r.request_id) byRid.set(rid, r);
      const ordered: AmoComplexResult[] = [];
      for (const b of body) {
        const r = b.request_id === undefined ? undefined : byRid.get(b.request_id);
        if (r) ordered.push(r);
      }
      if (ordered.length === body.length) return ordered;
      if (results.length === body.length) return results;
      throw badResponse(request, `sent ${body.length} leads, amoCRM answered with ${results.length}`);
    });
  }

  /**
   * Adds tags by name; amoCRM returns the existing tag for a name it has, so this is a write that
   * changes nothing when the tags exist (what a paused integration's probe needs after a 402).
   */
  async addTags(entity: AmoEntityType, names: string[]): Promise<number[]> {
    const path = `/api/v4/${entity}/tags`;
    const request = label('POST', path);
    const body = withRequestIds(
      names.map((name): { name: string; request_id?: string } => ({ name })),
      0,
    );
    const { data } = await this.http.call('POST', path, { body });
    return idsInOrder(body, this.embedded(data, 'tags', createdSchema, request), request);
  }

  async link(entity: AmoEntityType, id: number, links: AmoLinkInput[]): Promise<AmoLink[]> {
    if (links.length === 0) return [];
    const path = `/api/v4/${entity}/${id}/link`;
    const { data } = await this.http.call('POST', path, { body: links });
    return this.embedded(data, 'links', linkSchema, label('POST', path));
  }

  /** Returns the note ids in input order. */
  addNotes(entity: AmoEntityType, notes: AmoNoteInput[]): Promise<number[]> {
    const path = `/api/v4/${entity}/notes`;
    const request = label('POST', path);
    return inChunks(notes, WRITE_CHUNK, async (chunk, offset) => {
      const body = withRequestIds(chunk, offset);
      const { data } = await this.http.call('POST', path, { body });
      return idsInOrder(body, this.embedded(data, 'notes', createdSchema, request), request);
    });
  }

  // --- reads ------------------------------------------------------------------------------

  /** null when amoCRM has no such lead (204 / 404). */
  getLead(id: number, opts: { withContacts?: boolean } = {}): Promise<AmoLead | null> {
    return this.getOne('leads', id, leadSchema, opts.withContacts ? ['contacts'] : []);
  }

  getContact(id: number, opts: { withLeads?: boolean } = {}): Promise<AmoContact | null> {
    return this.getOne('contacts', id, contactSchema, opts.withLeads ? ['leads'] : []);
  }

  getCompany(
    id: number,
    opts: { withContacts?: boolean; withLeads?: boolean } = {},
  ): Promise<AmoCompany | null> {
    const withs = [opts.withContacts ? 'contacts' : '', opts.withLeads ? 'leads' : ''].filter(
      (s) => s !== '',
    );
    return this.getOne('companies', id, companySchema, withs);
  }

  /**
   * Full-text `query` search, all pages. amoCRM matches loosely over every filled field, so callers
   * must compare the PHONE / EMAIL values themselves before trusting a match.
   */
  findContacts(query: string, opts: { withLeads?: boolean } = {}): Promise<AmoContact[]> {
    return this.search('contacts', query, contactSchema, opts.withLeads ? 'leads' : undefined);
  }

  findLeads(query: string, opts: { withContacts?: boolean } = {}): Promise<AmoLead[]> {
    return this.search('leads', query, leadSchema, opts.withContacts ? 'contacts' : undefined);
  }

  findCompanies(query: string): Promise<AmoCompany[]> {
    return this.search('companies', query, companySchema, undefined);
  }

  // --- internals --------------------------------------------------------------------------

  private create<T extends { request_id?: string }>(entity: AmoEntityType, items: T[]): Promise<number[]> {
    const path = `/api/v4/${entity}`;
    const request = label('POST', path);
    return inChunks(items, WRITE_CHUNK, async (chunk, offset) => {
      const body = withRequestIds(chunk, offset);
      const { data } = await this.http.call('POST', path, { body });
      return idsInOrder(body, this.embedded(data, entity, createdSchema, request), request);
    });
  }

  private update<T extends { id: number }>(entity: AmoEntityType, items: T[]): Promise<number[]> {
    const path = `/api/v4/${entity}`;
    const request = label('PATCH', path);
    return inChunks(items, WRITE_CHUNK, async (chunk) => {
      const { data } = await this.http.call('PATCH', path, { body: chunk });
      const updated = this.embedded(data, entity, updatedSchema, request);
      if (updated.length !== chunk.length) {
        throw badResponse(request, `sent ${chunk.length} items, amoCRM answered with ${updated.length}`);
      }
      return updated.map((u) => u.id);
    });
  }

  private async getOne<T>(
    entity: AmoEntityType,
    id: number,
    schema: z.ZodType<T>,
    withs: string[],
  ): Promise<T | null> {
    const path = `/api/v4/${entity}/${id}`;
    const query: Query = { with: withs.length > 0 ? withs.join(',') : undefined };
    try {
      const { data } = await this.http.call('GET', path, { query });
      if (data === undefined) return null;
      return parseAnswer(schema, data, label('GET', path), `the ${entity} item`);
    } catch (e) {
      if (e instanceof AmoError && e.kind === 'not_found') return null;
      throw e;
    }
  }

  private search<T>(
    entity: AmoEntityType,
    query: string,
    schema: z.ZodType<T>,
    withs: string | undefined,
  ): Promise<T[]> {
    const q = query.trim();
    // An empty query would list the whole account: a full scan amoCRM may punish with a block.
    if (q === '') return Promise.resolve([]);
    return this.list(`/api/v4/${entity}`, entity, schema, { query: q, with: withs });
  }

  /** Items of `_embedded[key]` of a HAL answer. */
  private embedded<T>(data: unknown, key: string, item: z.ZodType<T>, request: string): T[] {
    if (data === undefined) throw badResponse(request, 'empty answer');
    const env = parseAnswer(pageSchema, data, request, 'the answer');
    return parseAnswer(z.array(item), env._embedded[key], request, `_embedded.${key}`);
  }

  /**
   * Every page of a list. Pages are counted here rather than by following `_links.next.href`, so the
   * bearer token only ever goes to the configured host; `next` only says whether to go on.
   */
  private async list<T>(path: string, key: string, item: z.ZodType<T>, query: Query = {}): Promise<T[]> {
    const request = label('GET', path);
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data } = await this.http.call('GET', path, { query: { ...query, page, limit: PAGE_LIMIT } });
      if (data === undefined) return out;
      const env = parseAnswer(pageSchema, data, request, `page ${page}`);
      out.push(...parseAnswer(z.array(item), env._embedded[key], request, `_embedded.${key}`));
      if (!env._links?.next) return out;
    }
    throw badResponse(request, `more than ${MAX_PAGES} pages`);
  }
}
