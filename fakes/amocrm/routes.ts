/** Dispatch of /api/v4 paths to the handlers. */
import {
  getAccount,
  getPipeline,
  getStatus,
  getUser,
  listLossReasons,
  listPipelines,
  listStatuses,
  listUsers,
} from './account.js';
import { createComplex } from './complex.js';
import type { Ctx } from './context.js';
import { createCustomFields, getCustomField, listCustomFields } from './custom-fields.js';
import { createEntities, getEntity, listEntities, updateEntities, updateEntity } from './entities.js';
import { problem, type Reply } from './hal.js';
import { link, listLinks, unlink } from './links.js';
import { createNotes, getNote, listNotes } from './notes.js';
import { createTags, listTags } from './tags.js';
import { isEntityType } from './types.js';

type Handlers = Partial<Record<string, () => Reply>>;

function route(ctx: Ctx, handlers: Handlers): Reply {
  const h = handlers[ctx.method.toLowerCase()];
  if (h) return h();
  return problem(405, `Method ${ctx.method} is not allowed here`);
}

const isId = (s: string | undefined): s is string => s !== undefined && /^\d+$/.test(s);

/** Routes one authenticated /api/v4 request. */
export function dispatch(ctx: Ctx): Reply {
  const parts = ctx.path
    .replace(/^\/api\/v4\/?/, '')
    .replace(/\/$/, '')
    .split('/');
  const [a, b, c, d, e] = parts;
  const notFound = () => problem(404, 'Not Found');
  if (a === 'account' && parts.length === 1) return route(ctx, { get: () => getAccount(ctx) });
  if (a === 'users') {
    if (parts.length === 1) return route(ctx, { get: () => listUsers(ctx) });
    if (parts.length === 2 && isId(b)) return route(ctx, { get: () => getUser(ctx, Number(b)) });
    return notFound();
  }
  if (a === 'leads' && b === 'pipelines') {
    if (parts.length === 2) return route(ctx, { get: () => listPipelines(ctx) });
    if (parts.length === 3 && isId(c)) return route(ctx, { get: () => getPipeline(ctx, Number(c)) });
    if (parts.length === 4 && isId(c) && d === 'statuses')
      return route(ctx, { get: () => listStatuses(ctx, Number(c)) });
    if (parts.length === 5 && isId(c) && d === 'statuses' && isId(e)) {
      return route(ctx, { get: () => getStatus(ctx, Number(c), Number(e)) });
    }
    return notFound();
  }
  if (a === 'leads' && b === 'loss_reasons' && parts.length === 2)
    return route(ctx, { get: () => listLossReasons(ctx) });
  if (a === 'leads' && b === 'complex' && parts.length === 2)
    return route(ctx, { post: () => createComplex(ctx) });
  if (a === undefined || !isEntityType(a)) return notFound();
  const entity = a;
  if (parts.length === 1) {
    return route(ctx, {
      get: () => listEntities(ctx, entity),
      post: () => createEntities(ctx, entity),
      patch: () => updateEntities(ctx, entity),
    });
  }
  if (b === 'custom_fields') {
    if (parts.length === 2) {
      return route(ctx, {
        get: () => listCustomFields(ctx, entity),
        post: () => createCustomFields(ctx, entity),
      });
    }
    if (parts.length === 3 && isId(c))
      return route(ctx, { get: () => getCustomField(ctx, entity, Number(c)) });
    return notFound();
  }
  if (b === 'tags' && parts.length === 2) {
    return route(ctx, { get: () => listTags(ctx, entity), post: () => createTags(ctx, entity) });
  }
  if (b === 'notes') {
    if (parts.length === 2) {
      return route(ctx, {
        get: () => listNotes(ctx, entity, null),
        post: () => createNotes(ctx, entity, null),
      });
    }
    if (parts.length === 3 && isId(c)) return route(ctx, { get: () => getNote(ctx, entity, Number(c)) });
    return notFound();
  }
  if (parts.length === 2 && b === 'link') return route(ctx, { post: () => link(ctx, entity, null) });
  if (parts.length === 2 && b === 'unlink') return route(ctx, { post: () => unlink(ctx, entity, null) });
  if (parts.length === 2 && b === 'links') return route(ctx, { get: () => listLinks(ctx, entity, null) });
  if (!isId(b)) return notFound();
  const id = Number(b);
  if (parts.length === 2) {
    return route(ctx, { get: () => getEntity(ctx, entity, id), patch: () => updateEntity(ctx, entity, id) });
  }
  if (c === 'notes') {
    if (parts.length === 3) {
      return route(ctx, { get: () => listNotes(ctx, entity, id), post: () => createNotes(ctx, entity, id) });
    }
    if (parts.length === 4 && isId(d)) return route(ctx, { get: () => getNote(ctx, entity, Number(d)) });
    return notFound();
  }
  if (parts.length === 3 && c === 'link') return route(ctx, { post: () => link(ctx, entity, id) });
  if (parts.length === 3 && c === 'unlink') return route(ctx, { post: () => unlink(ctx, entity, id) });
  if (parts.length === 3 && c === 'links') return route(ctx, { get: () => listLinks(ctx, entity, id) });
  return notFound();
}
