/** Tags: per-entity tag lists, the tags endpoints, and tag mutations on entity writes. */
import { arrayParam, type Ctx, pageLinks, readPaging, requestIdOf } from './context.js';
import { hal, noContent, problem, type Reply, validationProblem } from './hal.js';
import type { FakeAmoState } from './state.js';
import type { EntityType, FieldError, JsonObject, Tag } from './types.js';
import { isInt, isObject } from './types.js';

type TagRef = { id: number } | { name: string };

export interface TagPlan {
  /** replace-all list (`_embedded.tags`), null = detach all, undefined = not sent */
  replace: TagRef[] | null | undefined;
  add: TagRef[];
  del: TagRef[];
}

function parseRefs(
  state: FakeAmoState,
  entity: EntityType,
  input: unknown,
  path: string,
  errors: FieldError[],
): TagRef[] {
  if (!Array.isArray(input)) {
    errors.push({ code: 'InvalidType', path, detail: 'This value should be of type array.' });
    return [];
  }
  const refs: TagRef[] = [];
  input.forEach((t, i) => {
    if (isObject(t) && isInt(t.id)) {
      const id = t.id;
      if (!state.tagsByEntity[entity].some((x) => x.id === id)) {
        errors.push({ code: 'NotSupportedChoice', path: `${path}.${i}.id`, detail: 'Tag not found.' });
      } else refs.push({ id });
    } else if (isObject(t) && typeof t.name === 'string' && t.name.trim() !== '') {
      refs.push({ name: t.name.trim() });
    } else if (typeof t === 'string' && t.trim() !== '') {
      refs.push({ name: t.trim() });
    } else {
      errors.push({ code: 'NotBlank', path: `${path}.${i}`, detail: 'Tag needs an id or a name.' });
    }
  });
  return refs;
}

/** Reads `_embedded.tags`, `tags_to_add`, `tags_to_delete` of one item (validation only, no writes). */
export function planTags(
  state: FakeAmoState,
  entity: EntityType,
  item: Record<string, unknown>,
  errors: FieldError[],
): TagPlan {
  const plan: TagPlan = { replace: undefined, add: [], del: [] };
  const emb = item._embedded;
  if (isObject(emb) && 'tags' in emb) {
    plan.replace = emb.tags === null ? null : parseRefs(state, entity, emb.tags, '_embedded.tags', errors);
  }
  if (item.tags_to_add !== undefined && item.tags_to_add !== null) {
    plan.add = parseRefs(state, entity, item.tags_to_add, 'tags_to_add', errors);
  }
  if (item.tags_to_delete !== undefined && item.tags_to_delete !== null) {
    plan.del = parseRefs(state, entity, item.tags_to_delete, 'tags_to_delete', errors);
  }
  return plan;
}

/** Finds a tag by name (case-insensitive) or creates it. */
export function ensureTag(
  state: FakeAmoState,
  entity: EntityType,
  name: string,
  color: string | null = null,
): Tag {
  const list = state.tagsByEntity[entity];
  const found = list.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (found) return found;
  const tag: Tag = {
    id: state.nextId('tag'),
    name,
    color: entity === 'leads' ? color : null,
    entity_type: entity,
  };
  list.push(tag);
  return tag;
}

function resolve(state: FakeAmoState, entity: EntityType, ref: TagRef): number {
  return 'id' in ref ? ref.id : ensureTag(state, entity, ref.name).id;
}

/** `_embedded.tags` wins over tags_to_add/_delete when both are sent (as the official SDK documents). */
export function applyTagPlan(
  state: FakeAmoState,
  entity: EntityType,
  current: number[],
  plan: TagPlan,
): number[] {
  if (plan.replace === null) return [];
  if (plan.replace !== undefined) return [...new Set(plan.replace.map((r) => resolve(state, entity, r)))];
  const out = [...current];
  for (const r of plan.add) {
    const id = resolve(state, entity, r);
    if (!out.includes(id)) out.push(id);
  }
  for (const r of plan.del) {
    const id =
      'id' in r
        ? r.id
        : state.tagsByEntity[entity].find((t) => t.name.toLowerCase() === r.name.toLowerCase())?.id;
    const at = id === undefined ? -1 : out.indexOf(id);
    if (at >= 0) out.splice(at, 1);
  }
  return out;
}

export function serializeTag(t: Tag): JsonObject {
  return { id: t.id, name: t.name, color: t.color };
}

export function listTags(ctx: Ctx, entity: EntityType): Reply {
  const paging = readPaging(ctx.query);
  if (typeof paging === 'string') return problem(400, paging);
  let list = ctx.state.tagsByEntity[entity];
  const name = ctx.query.get('filter[name]');
  if (name !== null) list = list.filter((t) => t.name.toLowerCase() === name.toLowerCase());
  const ids = arrayParam(ctx.query, 'filter[id]').map(Number);
  if (ids.length > 0) list = list.filter((t) => ids.includes(t.id));
  const q = ctx.query.get('query');
  if (q !== null && q !== '') list = list.filter((t) => t.name.toLowerCase().includes(q.toLowerCase()));
  const start = (paging.page - 1) * paging.limit;
  const page = list.slice(start, start + paging.limit);
  if (page.length === 0) return noContent();
  return hal(200, {
    _page: paging.page,
    _links: pageLinks(
      ctx.base,
      `/api/v4/${entity}/tags`,
      ctx.query,
      paging.page,
      start + paging.limit < list.length,
    ),
    _embedded: { tags: page.map(serializeTag) },
  });
}

/** POST tags: idempotent by name — an existing tag's id is returned. */
export function createTags(ctx: Ctx, entity: EntityType): Reply {
  const body = ctx.body;
  if (!Array.isArray(body) || body.length === 0)
    return problem(400, 'Request body must be a non-empty array');
  if (body.length > 250) return problem(400, 'Too many elements in request (max 250)');
  const errors: { request_id: string; errors: FieldError[] }[] = [];
  body.forEach((item, i) => {
    if (!isObject(item) || typeof item.name !== 'string' || item.name.trim() === '') {
      errors.push({
        request_id: isObject(item) ? requestIdOf(item, i) : String(i),
        errors: [{ code: 'NotBlank', path: 'name', detail: 'This value should not be blank.' }],
      });
    }
  });
  if (errors.length > 0) return validationProblem(errors);
  const out = body.map((raw, i) => {
    const item = raw as Record<string, unknown>;
    const color = typeof item.color === 'string' ? item.color : null;
    const tag = ensureTag(ctx.state, entity, (item.name as string).trim(), color);
    return { ...serializeTag(tag), request_id: requestIdOf(item, i) };
  });
  return hal(200, {
    _links: { self: { href: `${ctx.base}/api/v4/${entity}/tags` } },
    _embedded: { tags: out },
  });
}
