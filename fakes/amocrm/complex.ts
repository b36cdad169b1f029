/** POST /api/v4/leads/complex: lead + ≤1 contact + ≤1 company in one call, answered with a bare array. */
import { type Ctx, requestIdOf } from './context.js';
import { type Prepared, prepareEntity } from './entity-prepare.js';
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

/** Values a new contact gives for a contact field code (EMAIL / PHONE), as sent. */
function sentValues(item: unknown, code: string): string[] {
  if (!isObject(item) || !Array.isArray(item.custom_fields_values)) return [];
  return item.custom_fields_values.flatMap((f) =>
    isObject(f) &&
    typeof f.field_code === 'string' &&
    f.field_code.toUpperCase() === code &&
    Array.isArray(f.values)
      ? f.values.flatMap((v) => (isObject(v) && typeof v.value === 'string' ? [v.value] : []))
      : [],
  );
}

const norm = (code: string, v: string) =>
  code === 'PHONE' ? v.replace(/\D/g, '').replace(/^8(?=\d{10}$)/, '7') : v.trim().toLowerCase();

/**
 * Duplicate control (docs §14), with the "keep the existing lead" conflict policy: a new contact
 * whose e-mail or phone an existing contact already has, and that contact's most recent lead,
 * stand for the item; nothing is created or changed. Only data that existed before the request counts.
 */
function findDuplicate(
  state: FakeAmoState,
  contact: unknown,
): { lead: number; contact: number; company: number | null } | null {
  for (const code of ['EMAIL', 'PHONE']) {
    const wanted = new Set(sentValues(contact, code).map((v) => norm(code, v)));
    if (wanted.size === 0) continue;
    const field = state.customFieldsByEntity.contacts.find((f) => f.code === code);
    if (!field) continue;
    const matches = state.contacts
      .filter((c) =>
        c.custom_fields.some(
          (cf) => cf.field_id === field.id && cf.values.some((v) => wanted.has(norm(code, String(v.value)))),
        ),
      )
      .sort((a, b) => b.updated_at - a.updated_at);
    for (const c of matches) {
      const links = state.linksOf('contacts', c.id);
      const leads = links
        .filter((l) => l.to_entity_type === 'leads')
        .map((l) => state.entities.leads.get(l.to_entity_id))
        .filter((l) => l !== undefined)
        .sort((a, b) => b.created_at - a.created_at || b.id - a.id);
      const lead = leads[0];
      if (!lead) continue;
      const company = links.find((l) => l.to_entity_type === 'companies')?.to_entity_id ?? null;
      return { lead: lead.id, contact: c.id, company };
    }
  }
  return null;
}

export function createComplex(ctx: Ctx): Reply {
  const body = ctx.body;
  if (!Array.isArray(body)) return problem(400, 'Request body must be a JSON array');
  if (body.length === 0) return problem(400, 'Request body is empty');
  if (body.length > MAX_COMPLEX) return problem(400, `Too many leads in one request (max ${MAX_COMPLEX})`);
  const plans: {
    rid: string;
    lead: Prepared;
    contact: Side;
    company: Side;
    duplicate: ReturnType<typeof findDuplicate>;
  }[] = [];
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
    else {
      const duplicate =
        ctx.state.duplicateControl && contact.kind === 'new'
          ? findDuplicate(ctx.state, Array.isArray(emb.contacts) ? emb.contacts[0] : undefined)
          : null;
      plans.push({ rid, lead, contact, company, duplicate });
    }
  });
  if (allErrors.length > 0) return validationProblem(allErrors);
  const out: Json[] = plans.map((p) => {
    const d = p.duplicate;
    if (d)
      return { id: d.lead, contact_id: d.contact, company_id: d.company, request_id: [p.rid], merged: true };
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
