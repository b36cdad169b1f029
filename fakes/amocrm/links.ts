/** Entity links (lead↔contact, lead↔company, contact↔company) and the link/unlink endpoints. */
import { arrayParam, type Ctx, requestIdOf } from './context.js';
import { hal, noContent, problem, type Reply, validationProblem } from './hal.js';
import type { FakeAmoState } from './state.js';
import type { EntityType, FieldError, Json, JsonObject, Link } from './types.js';
import { isEntityType, isInt, isObject } from './types.js';

const ORDER: Record<EntityType, number> = { leads: 0, contacts: 1, companies: 2 };

function canonical(a: EntityType, aId: number, b: EntityType, bId: number) {
  return ORDER[a] <= ORDER[b]
    ? { from: a, fromId: aId, to: b, toId: bId }
    : { from: b, fromId: bId, to: a, toId: aId };
}

function findIndex(state: FakeAmoState, a: EntityType, aId: number, b: EntityType, bId: number): number {
  const c = canonical(a, aId, b, bId);
  return state.links.findIndex(
    (l) =>
      l.entity_type === c.from &&
      l.entity_id === c.fromId &&
      l.to_entity_type === c.to &&
      l.to_entity_id === c.toId,
  );
}

/** Links two entities. A lead and a contact hold at most one company: a new one replaces the old. */
export function addLink(
  state: FakeAmoState,
  a: EntityType,
  aId: number,
  b: EntityType,
  bId: number,
  isMain?: boolean,
): void {
  const c = canonical(a, aId, b, bId);
  if (c.to === 'companies') {
    for (let i = state.links.length - 1; i >= 0; i--) {
      const l = state.links[i]!;
      if (
        l.entity_type === c.from &&
        l.entity_id === c.fromId &&
        l.to_entity_type === 'companies' &&
        l.to_entity_id !== c.toId
      ) {
        state.links.splice(i, 1);
      }
    }
  }
  const leadContact = c.from === 'leads' && c.to === 'contacts';
  const siblings = leadContact
    ? state.links.filter(
        (l) => l.entity_type === 'leads' && l.entity_id === c.fromId && l.to_entity_type === 'contacts',
      )
    : [];
  const at = findIndex(state, a, aId, b, bId);
  let link: Link;
  if (at >= 0) link = state.links[at]!;
  else {
    link = {
      entity_type: c.from,
      entity_id: c.fromId,
      to_entity_type: c.to,
      to_entity_id: c.toId,
      is_main: false,
    };
    state.links.push(link);
  }
  if (!leadContact) return;
  const hasMain = siblings.some((l) => l.is_main && l !== link);
  if (isMain === true || (!hasMain && isMain !== false)) {
    for (const s of siblings) s.is_main = false;
    link.is_main = true;
  } else if (isMain === false) link.is_main = false;
}

export function removeLink(
  state: FakeAmoState,
  a: EntityType,
  aId: number,
  b: EntityType,
  bId: number,
): void {
  const at = findIndex(state, a, aId, b, bId);
  if (at < 0) return;
  const [gone] = state.links.splice(at, 1);
  if (gone?.is_main) {
    const next = state.links.find(
      (l) => l.entity_type === 'leads' && l.entity_id === gone.entity_id && l.to_entity_type === 'contacts',
    );
    if (next) next.is_main = true;
  }
}

function metadataOf(l: Link): Json {
  const leadContact =
    (l.entity_type === 'leads' && l.to_entity_type === 'contacts') ||
    (l.entity_type === 'contacts' && l.to_entity_type === 'leads');
  return leadContact ? { main_contact: l.is_main } : null;
}

export function serializeLink(l: Link): JsonObject {
  return {
    entity_id: l.entity_id,
    entity_type: l.entity_type,
    to_entity_id: l.to_entity_id,
    to_entity_type: l.to_entity_type,
    metadata: metadataOf(l),
  };
}

interface LinkReq {
  entityId: number;
  to: EntityType;
  toId: number;
  isMain: boolean | undefined;
}

function parseLinkBody(ctx: Ctx, entity: EntityType, fixedId: number | null): LinkReq[] | Reply {
  const body = ctx.body;
  if (!Array.isArray(body) || body.length === 0)
    return problem(400, 'Request body must be a non-empty array');
  const errs: { request_id: string; errors: FieldError[] }[] = [];
  const out: LinkReq[] = [];
  body.forEach((item, i) => {
    const e: FieldError[] = [];
    const rid = isObject(item) ? requestIdOf(item, i) : String(i);
    if (!isObject(item)) {
      errs.push({ request_id: rid, errors: [{ code: 'InvalidType', path: '', detail: 'Object expected.' }] });
      return;
    }
    const entityId = fixedId ?? item.entity_id;
    if (!isInt(entityId) || !ctx.state.entity(entity, entityId)) {
      e.push({ code: 'NotSupportedChoice', path: 'entity_id', detail: 'Entity not found.' });
    }
    const to = item.to_entity_type;
    if (typeof to !== 'string' || !isEntityType(to) || to === entity) {
      e.push({
        code: 'NotSupportedChoice',
        path: 'to_entity_type',
        detail: 'The value you selected is not a valid choice.',
      });
    } else if (!isInt(item.to_entity_id) || !ctx.state.entity(to, item.to_entity_id)) {
      e.push({ code: 'NotSupportedChoice', path: 'to_entity_id', detail: 'Entity not found.' });
    }
    if (e.length > 0) {
      errs.push({ request_id: rid, errors: e });
      return;
    }
    const md = item.metadata;
    const isMain = isObject(md) && typeof md.is_main === 'boolean' ? md.is_main : undefined;
    out.push({
      entityId: entityId as number,
      to: to as EntityType,
      toId: item.to_entity_id as number,
      isMain,
    });
  });
  return errs.length > 0 ? validationProblem(errs) : out;
}

function touch(state: FakeAmoState, type: EntityType, id: number): void {
  const e = state.entity(type, id);
  if (e) e.updated_at = state.now();
}

/** POST /{entity}/{id}/link and POST /{entity}/link (mass, entity_id per item). */
export function link(ctx: Ctx, entity: EntityType, id: number | null): Reply {
  if (id !== null && !ctx.state.entity(entity, id)) return problem(404, 'Entity not found');
  const reqs = parseLinkBody(ctx, entity, id);
  if (!Array.isArray(reqs)) return reqs;
  const out: JsonObject[] = [];
  for (const r of reqs) {
    addLink(ctx.state, entity, r.entityId, r.to, r.toId, r.isMain);
    touch(ctx.state, entity, r.entityId);
    const l = ctx.state
      .linksOf(entity, r.entityId)
      .find((x) => x.to_entity_type === r.to && x.to_entity_id === r.toId);
    if (l) out.push(serializeLink(l));
  }
  const self = id === null ? `/api/v4/${entity}/link` : `/api/v4/${entity}/${id}/links`;
  return hal(200, {
    _total_items: out.length,
    _links: { self: { href: `${ctx.base}${self}` } },
    _embedded: { links: out },
  });
}

/** POST /{entity}/{id}/unlink and POST /{entity}/unlink → 204. */
export function unlink(ctx: Ctx, entity: EntityType, id: number | null): Reply {
  if (id !== null && !ctx.state.entity(entity, id)) return problem(404, 'Entity not found');
  const reqs = parseLinkBody(ctx, entity, id);
  if (!Array.isArray(reqs)) return reqs;
  for (const r of reqs) {
    removeLink(ctx.state, entity, r.entityId, r.to, r.toId);
    touch(ctx.state, entity, r.entityId);
  }
  return noContent();
}

/** GET /{entity}/{id}/links and GET /{entity}/links?filter[entity_id][]=… */
export function listLinks(ctx: Ctx, entity: EntityType, id: number | null): Reply {
  let ids: number[];
  if (id !== null) ids = [id];
  else {
    ids = arrayParam(ctx.query, 'filter[entity_id]').map(Number);
    if (ids.length === 0) return problem(400, 'filter[entity_id] is required');
  }
  const toType = ctx.query.get('filter[to_entity_type]');
  const toIds = arrayParam(ctx.query, 'filter[to_entity_id]').map(Number);
  const links = ids
    .flatMap((x) => ctx.state.linksOf(entity, x))
    .filter((l) => toType === null || l.to_entity_type === toType)
    .filter((l) => toIds.length === 0 || toIds.includes(l.to_entity_id));
  if (links.length === 0) return noContent();
  const self = id === null ? `/api/v4/${entity}/links` : `/api/v4/${entity}/${id}/links`;
  return hal(200, {
    _total_items: links.length,
    _links: { self: { href: `${ctx.base}${self}` } },
    _embedded: { links: links.map(serializeLink) },
  });
}
