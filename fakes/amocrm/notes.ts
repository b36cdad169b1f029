/** Notes (примечания) on leads, contacts and companies. */
import { arrayParam, type Ctx, pageLinks, readPaging, requestIdOf } from './context.js';
import { hal, noContent, problem, type Reply, validationProblem } from './hal.js';
import type { EntityType, FieldError, JsonObject, Note } from './types.js';
import { isInt, isObject } from './types.js';

const NOTE_TYPES = new Set([
  'common',
  'call_in',
  'call_out',
  'service_message',
  'extended_service_message',
  'message_cashier',
  'geolocation',
  'sms_in',
  'sms_out',
  'attachment',
]);

function serializeNote(ctx: Ctx, n: Note): JsonObject {
  return {
    id: n.id,
    entity_id: n.entity_id,
    created_by: n.created_by,
    updated_by: n.updated_by,
    created_at: n.created_at,
    updated_at: n.updated_at,
    responsible_user_id: n.responsible_user_id,
    group_id: n.group_id,
    note_type: n.note_type,
    params: n.params,
    account_id: ctx.state.account.id,
    _links: { self: { href: `${ctx.base}/api/v4/${n.entity_type}/${n.entity_id}/notes/${n.id}` } },
  };
}

function validateParams(type: string, params: unknown, errors: FieldError[]): void {
  if (!isObject(params)) {
    errors.push({ code: 'NotBlank', path: 'params', detail: 'This value should not be blank.' });
    return;
  }
  const needText = ['common', 'service_message', 'extended_service_message', 'geolocation'];
  if (needText.includes(type) && (typeof params.text !== 'string' || params.text === '')) {
    errors.push({ code: 'NotBlank', path: 'params.text', detail: 'This value should not be blank.' });
  }
  if (
    (type === 'service_message' || type === 'extended_service_message') &&
    typeof params.service !== 'string'
  ) {
    errors.push({ code: 'NotBlank', path: 'params.service', detail: 'This value should not be blank.' });
  }
  if (
    (type === 'call_in' || type === 'call_out') &&
    (typeof params.phone !== 'string' || typeof params.source !== 'string')
  ) {
    errors.push({ code: 'NotBlank', path: 'params', detail: 'Calls need phone, source, uniq and duration.' });
  }
}

/** POST /{entity}/notes (entity_id per item) and POST /{entity}/{id}/notes. */
export function createNotes(ctx: Ctx, entity: EntityType, entityId: number | null): Reply {
  const body = ctx.body;
  if (!Array.isArray(body) || body.length === 0)
    return problem(400, 'Request body must be a non-empty array');
  if (body.length > 250) return problem(400, 'Too many elements in request (max 250)');
  const errs: { request_id: string; errors: FieldError[] }[] = [];
  body.forEach((item, i) => {
    const e: FieldError[] = [];
    if (!isObject(item))
      e.push({ code: 'InvalidType', path: '', detail: 'This value should be of type object.' });
    else {
      const eid = entityId ?? item.entity_id;
      if (!isInt(eid) || !ctx.state.entity(entity, eid)) {
        e.push({ code: 'NotSupportedChoice', path: 'entity_id', detail: 'Entity not found.' });
      }
      if (typeof item.note_type !== 'string' || !NOTE_TYPES.has(item.note_type)) {
        e.push({
          code: 'NotSupportedChoice',
          path: 'note_type',
          detail: 'The value you selected is not a valid choice.',
        });
      } else validateParams(item.note_type, item.params, e);
      if (
        item.responsible_user_id !== undefined &&
        !(isInt(item.responsible_user_id) && ctx.state.user(item.responsible_user_id))
      ) {
        e.push({
          code: 'NotSupportedChoice',
          path: 'responsible_user_id',
          detail: 'The value you selected is not a valid choice.',
        });
      }
    }
    if (e.length > 0) errs.push({ request_id: isObject(item) ? requestIdOf(item, i) : String(i), errors: e });
  });
  if (errs.length > 0) return validationProblem(errs);
  const now = ctx.state.now();
  const out = body.map((raw, i) => {
    const item = raw as Record<string, unknown>;
    const eid = entityId ?? (item.entity_id as number);
    const note: Note = {
      id: ctx.state.nextId('note'),
      entity_type: entity,
      entity_id: eid,
      note_type: item.note_type as string,
      params: JSON.parse(JSON.stringify(item.params)) as JsonObject,
      created_by: isInt(item.created_by) ? item.created_by : ctx.userId,
      updated_by: isInt(item.created_by) ? item.created_by : ctx.userId,
      created_at: isInt(item.created_at) ? item.created_at : now,
      updated_at: now,
      responsible_user_id: isInt(item.responsible_user_id) ? item.responsible_user_id : ctx.userId,
      group_id: 0,
    };
    ctx.state.notesList.push(note);
    return {
      id: note.id,
      entity_id: eid,
      request_id: requestIdOf(item, i),
      _links: { self: { href: `${ctx.base}/api/v4/${entity}/${eid}/notes/${note.id}` } },
    };
  });
  const self = entityId === null ? `/api/v4/${entity}/notes` : `/api/v4/${entity}/${entityId}/notes`;
  return hal(200, { _links: { self: { href: `${ctx.base}${self}` } }, _embedded: { notes: out } });
}

/** GET /{entity}/notes and GET /{entity}/{id}/notes with filter[note_type][], filter[id][], filter[entity_id][]. */
export function listNotes(ctx: Ctx, entity: EntityType, entityId: number | null): Reply {
  const paging = readPaging(ctx.query);
  if (typeof paging === 'string') return problem(400, paging);
  let list = ctx.state.notesList.filter((n) => n.entity_type === entity);
  if (entityId !== null) list = list.filter((n) => n.entity_id === entityId);
  const eids = arrayParam(ctx.query, 'filter[entity_id]').map(Number);
  if (eids.length > 0) list = list.filter((n) => eids.includes(n.entity_id));
  const ids = arrayParam(ctx.query, 'filter[id]').map(Number);
  if (ids.length > 0) list = list.filter((n) => ids.includes(n.id));
  const types = arrayParam(ctx.query, 'filter[note_type]');
  if (types.length > 0) list = list.filter((n) => types.includes(n.note_type));
  if (ctx.query.get('order[id]') === 'desc' || ctx.query.get('order[updated_at]') === 'desc')
    list = [...list].reverse();
  const start = (paging.page - 1) * paging.limit;
  const page = list.slice(start, start + paging.limit);
  if (page.length === 0) return noContent();
  const path = entityId === null ? `/api/v4/${entity}/notes` : `/api/v4/${entity}/${entityId}/notes`;
  return hal(200, {
    _page: paging.page,
    _links: pageLinks(ctx.base, path, ctx.query, paging.page, start + paging.limit < list.length),
    _embedded: { notes: page.map((n) => serializeNote(ctx, n)) },
  });
}

export function getNote(ctx: Ctx, entity: EntityType, noteId: number): Reply {
  const n = ctx.state.notesList.find((x) => x.entity_type === entity && x.id === noteId);
  return n ? hal(200, serializeNote(ctx, n)) : noContent();
}
