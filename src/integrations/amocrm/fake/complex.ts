/** POST /api/v4/leads/complex: lead + ≤1 contact + ≤1 company in one call, answered with a bare array. */
import { type Ctx, requestIdOf } from './context.js';
import { type Prepared, prepareEntity } from './entities.js';
import { HAL, json, problem, type Reply, validationProblem } from './hal.js';
import { addLink } from './links.js';
import type { FakeAmoState } from './state.js';
import type { EntityType, FieldError, Json } from './types.js';
import { isInt, isObject } from './types.js';

export const MAX_COMPLEX = 50;
const MAX_CF_VALUES = 40;

type Side = { kind: 'existing'; id: number } | { kind: 'new'; prepared: Prepared } | { kind: 'none' };

function side(
  state: FakeAmoState,
  type: EntityType,
  list: unknown,
  userId: number,
  errors: FieldError[],
): Side {
  const path = `_embedded.${type}`;
  if (list === undefined || list === null) return { kind: 'none' };
  if (!Array.isArray(list)) {
    errors.push({ code: 'InvalidType', path, detail: 'This value should be of type array.' });
    return { kind: 'none' };
  }
  if (list.length > 1) {
    errors.push({ code: 'Count', path, detail: 'This collection should contain 1 element or less.' });
    return { kind: 'none' };
  }
  const item = list[0];
  if (item === undefined) return { kind: 'none' };
  if (!isObject(item)) {
    errors.push({ code: 'InvalidType', path: `${path}.0`, detail: 'This value should be of type object.' });
    return { kind: 'none' };
  }
  if (isInt(item.id)) {
    if (!state.entity(type, item.id)) {
      errors.push({ code: 'NotSupportedChoice', path: `${path}.0.id`, detail: 'Entity not found.' });
      return { kind: 'none' };
    }
    return { kind: 'existing', id: item.id };
  }
  cfCount(item, `${path}.0.`, errors);
  const prepared = prepareEntity(state, type, item, userId, undefined, { prefix: `${path}.0.` });
  errors.push(...prepared.errors);
  return { kind: 'new', prepared };
}

function cfCount(item: Record<string, unknown>, prefix: string, errors: FieldError[]): void {
  const cf = item.custom_fields_values;
  if (!Array.isArray(cf)) return;
  const n = cf.reduce<number>(
    (acc, f) => acc + (isObject(f) && Array.isArray(f.values) ? f.values.length : 1),
    0,
  );
  if (n > MAX_CF_VALUES) {
    errors.push({
      code: 'Count',
      path: `${prefix}custom_fields_values`,
      detail: `At most ${MAX_CF_VALUES} values per entity.`,
    });
  }
}

export function createComplex(ctx: Ctx): Reply {
  const body = ctx.body;
  if (!Array.isArray(body)) return problem(400, 'Request body must be a JSON array');
  if (body.length === 0) return problem(400, 'Request body is empty');
  if (body.length > MAX_COMPLEX) return problem(400, `Too many leads in one request (max ${MAX_COMPLEX})`);
  const plans: { rid: string; lead: Prepared; contact: Side; company: Side }[] = [];
  const allErrors: { request_id: string; errors: FieldError[] }[] = [];
  body.forEach((raw, i) => {
    const errors: FieldError[] = [];
    const rid = isObject(raw) ? requestIdOf(raw, i) : String(i);
    if (!isObject(raw)) {
      allErrors.push({
        request_id: rid,
        errors: [{ code: 'InvalidType', path: '', detail: 'Object expected.' }],
      });
      return;
    }
    const emb = isObject(raw._embedded) ? raw._embedded : {};
    const unsorted = isObject(emb.metadata);
    cfCount(raw, '', errors);
    const lead = prepareEntity(ctx.state, 'leads', raw, ctx.userId, undefined, { unsorted });
    errors.push(...lead.errors);
    const contact = side(ctx.state, 'contacts', emb.contacts, ctx.userId, errors);
    const company = side(ctx.state, 'companies', emb.companies, ctx.userId, errors);
    if (errors.length > 0) allErrors.push({ request_id: rid, errors });
    else plans.push({ rid, lead, contact, company });
  });
  if (allErrors.length > 0) return validationProblem(allErrors);
  const out: Json[] = plans.map((p) => {
    const lead = p.lead.apply();
    const resolve = (s: Side): number | null =>
      s.kind === 'existing' ? s.id : s.kind === 'new' ? s.prepared.apply().id : null;
    const contactId = resolve(p.contact);
    const companyId = resolve(p.company);
    if (contactId !== null) addLink(ctx.state, 'leads', lead.id, 'contacts', contactId, true);
    if (companyId !== null) addLink(ctx.state, 'leads', lead.id, 'companies', companyId);
    if (contactId !== null && companyId !== null)
      addLink(ctx.state, 'contacts', contactId, 'companies', companyId);
    return { id: lead.id, contact_id: contactId, company_id: companyId, request_id: [p.rid], merged: false };
  });
  // No HAL envelope here: the documented answer is a bare JSON array.
  return json(200, out, HAL);
}
