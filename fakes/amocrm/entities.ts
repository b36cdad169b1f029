/** Leads, contacts and companies: list / get / create / bulk and single update. */

import { cfSearchText, expandCustomFields } from './cf-values.js';
import { arrayParam, type Ctx, pageLinks, readPaging, requestIdOf } from './context.js';
import { type Prepared, prepareEntity } from './entity-prepare.js';
import { fail, hal, noContent, problem, type Reply, validationProblem } from './hal.js';
import { serializeTag } from './tags.js';
import type { AnyEntity, Contact, EntityType, FieldError, JsonObject, Lead } from './types.js';
import { isInt, isObject } from './types.js';

export const MAX_BATCH = 250;

function selfHref(ctx: Ctx, type: EntityType, id: number) {
  return { self: { href: `${ctx.base}/api/v4/${type}/${id}` } };
}

// --- reading -----------------------------------------------------------------------------

export function serializeEntity(ctx: Ctx, type: EntityType, ent: AnyEntity, withs: Set<string>): JsonObject {
  const st = ctx.state;
  const ref = (t: EntityType, id: number) => ({ id, _links: selfHref(ctx, t, id) });
  const tags = ent.tag_ids
    .map((id) => st.tagsByEntity[type].find((t) => t.id === id))
    .filter((t) => t !== undefined)
    .map(serializeTag);
  const cfv = expandCustomFields(st.customFieldsByEntity[type], ent.custom_fields);
  const common = {
    responsible_user_id: ent.responsible_user_id,
    group_id: ent.group_id,
    created_by: ent.created_by,
    updated_by: ent.updated_by,
    created_at: ent.created_at,
    updated_at: ent.updated_at,
    closest_task_at: ent.closest_task_at,
    is_deleted: ent.is_deleted,
  };
  if (type === 'leads') {
    const l = ent as Lead;
    const embedded: JsonObject = {
      tags,
      companies: st.linkedIds('leads', l.id, 'companies').map((id) => ref('companies', id)),
    };
    if (withs.has('contacts')) {
      embedded.contacts = st
        .linksOf('leads', l.id)
        .filter((x) => x.to_entity_type === 'contacts')
        .map((x) => ({
          id: x.to_entity_id,
          is_main: x.is_main,
          _links: selfHref(ctx, 'contacts', x.to_entity_id),
        }));
    }
    const out: JsonObject = {
      id: l.id,
      name: l.name,
      price: l.price,
      responsible_user_id: l.responsible_user_id,
      group_id: l.group_id,
      status_id: l.status_id,
      pipeline_id: l.pipeline_id,
      loss_reason_id: l.loss_reason_id,
      created_by: l.created_by,
      updated_by: l.updated_by,
      created_at: l.created_at,
      updated_at: l.updated_at,
      closed_at: l.closed_at,
      closest_task_at: l.closest_task_at,
      is_deleted: l.is_deleted,
      custom_fields_values: cfv,
      score: l.score,
      account_id: st.account.id,
      labor_cost: l.labor_cost,
    };
    if (withs.has('source_id')) out.source_id = l.source_id;
    if (withs.has('is_price_modified_by_robot')) out.is_price_modified_by_robot = false;
    out._links = selfHref(ctx, 'leads', l.id);
    out._embedded = embedded;
    return out;
  }
  if (type === 'contacts') {
    const c = ent as Contact;
    const embedded: JsonObject = {
      tags,
      companies: st.linkedIds('contacts', c.id, 'companies').map((id) => ref('companies', id)),
    };
    if (withs.has('leads'))
      embedded.leads = st.linkedIds('contacts', c.id, 'leads').map((id) => ref('leads', id));
    if (withs.has('customers')) embedded.customers = [];
    if (withs.has('catalog_elements')) embedded.catalog_elements = [];
    return {
      id: c.id,
      name: c.name,
      first_name: c.first_name,
      last_name: c.last_name,
      ...common,
      is_unsorted: false,
      custom_fields_values: cfv,
      account_id: st.account.id,
      _links: selfHref(ctx, 'contacts', c.id),
      _embedded: embedded,
    };
  }
  const embedded: JsonObject = { tags };
  if (withs.has('contacts'))
    embedded.contacts = st.linkedIds('companies', ent.id, 'contacts').map((id) => ref('contacts', id));
  if (withs.has('leads'))
    embedded.leads = st.linkedIds('companies', ent.id, 'leads').map((id) => ref('leads', id));
  if (withs.has('customers')) embedded.customers = [];
  if (withs.has('catalog_elements')) embedded.catalog_elements = [];
  return {
    id: ent.id,
    name: ent.name,
    ...common,
    custom_fields_values: cfv,
    account_id: st.account.id,
    _links: selfHref(ctx, 'companies', ent.id),
    _embedded: embedded,
  };
}

function withSet(ctx: Ctx): Set<string> {
  return new Set(
    (ctx.query.get('with') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

const ORDER_FIELDS: Record<EntityType, string[]> = {
  leads: ['created_at', 'updated_at', 'id'],
  contacts: ['updated_at', 'id'],
  companies: ['updated_at', 'id'],
};

function digits(s: string): string {
  return s.replace(/\D+/g, '');
}

function matchesQuery(ent: AnyEntity, q: string): boolean {
  const needle = q.toLowerCase();
  const texts = [ent.name, ...cfSearchText(ent.custom_fields)];
  if ('first_name' in ent) texts.push(ent.first_name, ent.last_name);
  if (texts.some((t) => t.toLowerCase().includes(needle))) return true;
  // phone-looking queries also match the digits of stored values ("+7 (999) 123-45-67" ~ "9991234567")
  const d = digits(q);
  if (d.length >= 5 && /^[\d\s()+-]+$/.test(q))
    return cfSearchText(ent.custom_fields).some((t) => digits(t).includes(d));
  return false;
}

function rangeFilter(ctx: Ctx, key: string): { from?: number; to?: number } | null {
  const from = ctx.query.get(`filter[${key}][from]`);
  const to = ctx.query.get(`filter[${key}][to]`);
  if (from === null && to === null) return null;
  const r: { from?: number; to?: number } = {};
  if (from !== null) r.from = Number(from);
  if (to !== null) r.to = Number(to);
  return r;
}

export function listEntities(ctx: Ctx, type: EntityType): Reply {
  const paging = readPaging(ctx.query);
  if (typeof paging === 'string') return problem(400, paging);
  let list: AnyEntity[] = [...ctx.state.entities[type].values()];
  const q = ctx.query.get('query');
  if (q !== null && q.trim() !== '') list = list.filter((x) => matchesQuery(x, q.trim()));
  const ids = arrayParam(ctx.query, 'filter[id]').map(Number);
  if (ids.length > 0) list = list.filter((x) => ids.includes(x.id));
  const name = ctx.query.get('filter[name]');
  if (name !== null) list = list.filter((x) => x.name.toLowerCase() === name.toLowerCase());
  const resp = arrayParam(ctx.query, 'filter[responsible_user_id]').map(Number);
  if (resp.length > 0) list = list.filter((x) => resp.includes(x.responsible_user_id));
  const rangeKeys: ('created_at' | 'updated_at' | 'closed_at')[] = ['created_at', 'updated_at'];
  if (type === 'leads') rangeKeys.push('closed_at');
  for (const key of rangeKeys) {
    const r = rangeFilter(ctx, key);
    if (!r) continue;
    list = list.filter((x) => {
      const v = key === 'closed_at' ? (x as Lead).closed_at : x[key];
      return v !== null && (r.from === undefined || v >= r.from) && (r.to === undefined || v <= r.to);
    });
  }
  if (type === 'leads') {
    const pipes = arrayParam(ctx.query, 'filter[pipeline_id]').map(Number);
    if (pipes.length > 0) list = list.filter((x) => pipes.includes((x as Lead).pipeline_id));
    const statuses: { pipeline_id: number; status_id: number }[] = [];
    for (let i = 0; ; i++) {
      const pid = ctx.query.get(`filter[statuses][${i}][pipeline_id]`);
      const sid = ctx.query.get(`filter[statuses][${i}][status_id]`);
      if (pid === null && sid === null) break;
      statuses.push({ pipeline_id: Number(pid), status_id: Number(sid) });
    }
    if (statuses.length > 0) {
      list = list.filter((x) =>
        statuses.some(
          (s) => s.pipeline_id === (x as Lead).pipeline_id && s.status_id === (x as Lead).status_id,
        ),
      );
    }
  }
  // filter[custom_fields_values]… is silently ignored: the seeded account has no API filtering
  // (is_api_filter_enabled: false), which is what real accounts do (amocrm-api-php #71, #348).

  const orders = [...ctx.query.entries()].filter(([k]) => k.startsWith('order['));
  let sortKey: 'id' | 'created_at' | 'updated_at' = 'id';
  let dir = 1;
  for (const [k, v] of orders) {
    const field = k.slice(6, -1);
    if (!ORDER_FIELDS[type].includes(field) || (v !== 'asc' && v !== 'desc')) {
      return validationProblem([
        {
          request_id: '0',
          errors: [
            {
              code: 'NotSupportedChoice',
              path: `order.${field}`,
              detail: 'The value you selected is not a valid choice.',
            },
          ],
        },
      ]);
    }
    sortKey = field as typeof sortKey;
    dir = v === 'desc' ? -1 : 1;
  }
  list.sort((a, b) => (a[sortKey] - b[sortKey] || a.id - b.id) * dir);

  const start = (paging.page - 1) * paging.limit;
  const page = list.slice(start, start + paging.limit);
  if (page.length === 0) return noContent();
  const withs = withSet(ctx);
  return hal(200, {
    _page: paging.page,
    _links: pageLinks(
      ctx.base,
      `/api/v4/${type}`,
      ctx.query,
      paging.page,
      start + paging.limit < list.length,
    ),
    _embedded: { [type]: page.map((x) => serializeEntity(ctx, type, x, withs)) },
  });
}

export function getEntity(ctx: Ctx, type: EntityType, id: number): Reply {
  const ent = ctx.state.entity(type, id);
  if (!ent || ent.is_deleted) return noContent();
  return hal(200, serializeEntity(ctx, type, ent, withSet(ctx)));
}

// --- writing -----------------------------------------------------------------------------

function batchBody(ctx: Ctx): Record<string, unknown>[] {
  const body = ctx.body;
  if (!Array.isArray(body)) fail(problem(400, 'Request body must be a JSON array'));
  if (body.length === 0) fail(problem(400, 'Request body is empty'));
  if (body.length > MAX_BATCH) fail(problem(400, `Too many entities in one request (max ${MAX_BATCH})`));
  const bad = body.findIndex((x) => !isObject(x));
  if (bad >= 0) {
    fail(
      validationProblem([
        {
          request_id: String(bad),
          errors: [{ code: 'InvalidType', path: '', detail: 'This value should be of type object.' }],
        },
      ]),
    );
  }
  return body as Record<string, unknown>[];
}

export function createEntities(ctx: Ctx, type: EntityType): Reply {
  const items = batchBody(ctx);
  const prepared = items.map((item) =>
    prepareEntity(ctx.state, type, item, ctx.userId, undefined, { linkEmbedded: type === 'leads' }),
  );
  const errors = prepared
    .map((p, i) => ({ request_id: requestIdOf(items[i]!, i), errors: p.errors }))
    .filter((x) => x.errors.length > 0);
  if (errors.length > 0) return validationProblem(errors);
  const out = prepared.map((p, i) => {
    const ent = p.apply();
    return { id: ent.id, request_id: requestIdOf(items[i]!, i), _links: selfHref(ctx, type, ent.id) };
  });
  return hal(200, { _links: { self: { href: `${ctx.base}/api/v4/${type}` } }, _embedded: { [type]: out } });
}

export function updateEntities(ctx: Ctx, type: EntityType): Reply {
  const items = batchBody(ctx);
  const errors: { request_id: string; errors: FieldError[] }[] = [];
  const prepared: Prepared[] = [];
  items.forEach((item, i) => {
    const existing = isInt(item.id) ? ctx.state.entity(type, item.id) : undefined;
    if (!existing) {
      errors.push({
        request_id: requestIdOf(item, i),
        errors: [{ code: 'NotSupportedChoice', path: 'id', detail: 'Entity not found.' }],
      });
      return;
    }
    const p = prepareEntity(ctx.state, type, item, ctx.userId, existing);
    if (p.errors.length > 0) errors.push({ request_id: requestIdOf(item, i), errors: p.errors });
    prepared.push(p);
  });
  if (errors.length > 0) return validationProblem(errors);
  const out = prepared.map((p) => {
    const ent = p.apply();
    return { id: ent.id, updated_at: ent.updated_at, _links: selfHref(ctx, type, ent.id) };
  });
  return hal(200, { _links: { self: { href: `${ctx.base}/api/v4/${type}` } }, _embedded: { [type]: out } });
}

export function updateEntity(ctx: Ctx, type: EntityType, id: number): Reply {
  const existing = ctx.state.entity(type, id);
  if (!existing) return problem(404, 'Entity not found');
  if (!isObject(ctx.body)) return problem(400, 'Request body must be a JSON object');
  const p = prepareEntity(ctx.state, type, ctx.body, ctx.userId, existing);
  if (p.errors.length > 0) return validationProblem([{ request_id: '0', errors: p.errors }]);
  const ent = p.apply();
  return hal(200, { id: ent.id, updated_at: ent.updated_at, _links: selfHref(ctx, type, ent.id) });
}
