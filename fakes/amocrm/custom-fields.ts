/** Custom fields: the seeded fields, value validation/normalisation, read expansion, and the endpoints. */
import { type Ctx, pageLinks, readPaging, requestIdOf } from './context.js';
import { fail, hal, noContent, problem, type Reply, validationProblem } from './hal.js';
import type {
  CustomField,
  CustomFieldEnum,
  EntityType,
  FieldError,
  Json,
  JsonObject,
  StoredCf,
  StoredCfValue,
} from './types.js';
import { isInt, isObject } from './types.js';

type IdKind = 'field' | 'fieldEnum';

export const PHONE_ENUMS = ['WORK', 'WORKDD', 'MOB', 'FAX', 'HOME', 'OTHER'];
export const EMAIL_ENUMS = ['WORK', 'PRIV', 'OTHER'];

const ALL_TYPES = new Set([
  'text',
  'numeric',
  'checkbox',
  'select',
  'multiselect',
  'date',
  'url',
  'textarea',
  'radiobutton',
  'streetaddress',
  'smart_address',
  'birthday',
  'legal_entity',
  'date_time',
  'price',
  'category',
  'items',
  'tracking_data',
  'linked_entity',
  'chained_list',
  'monetary',
  'file',
  'payer',
  'supplier',
  'multitext',
]);
const ENUM_TYPES = new Set(['select', 'multiselect', 'radiobutton', 'category', 'multitext']);
const CATALOG_ONLY = new Set(['price', 'category', 'items', 'linked_entity', 'payer', 'supplier']);

/** Tracking fields (type tracking_data) on leads, written by uppercase code. */
export const TRACKING_CODES = [
  'UTM_SOURCE',
  'UTM_MEDIUM',
  'UTM_CAMPAIGN',
  'UTM_CONTENT',
  'UTM_TERM',
  'UTM_REFERRER',
  'REFERRER',
  'GCLIENTID',
  'GCLID',
  'YCLID',
  'FBCLID',
  '_YM_UID',
  '_YM_COUNTER',
  'ROISTAT',
  'FROM',
  'OPENSTAT_SERVICE',
  'OPENSTAT_CAMPAIGN',
  'OPENSTAT_AD',
  'OPENSTAT_SOURCE',
];

export function seedCustomFields(nextId: (kind: IdKind) => number): Record<EntityType, CustomField[]> {
  let sort = 0;
  const field = (
    entity: EntityType,
    name: string,
    type: string,
    code: string | null,
    enums: (string | { value: string; code?: string })[] | null,
    predefined: boolean,
  ): CustomField => {
    sort += 2;
    return {
      id: nextId('field'),
      name,
      type,
      code,
      sort,
      entity_type: entity,
      is_predefined: predefined,
      is_deletable: !predefined,
      is_api_only: false,
      group_id: null,
      required_statuses: [],
      remind: null,
      enums:
        enums === null
          ? null
          : enums.map((e, i) => {
              const v = typeof e === 'string' ? { value: e } : e;
              const en: CustomFieldEnum = { id: nextId('fieldEnum'), value: v.value, sort: (i + 1) * 2 };
              if (v.code !== undefined) en.code = v.code;
              return en;
            }),
    };
  };
  return {
    contacts: [
      field('contacts', 'Должность', 'text', 'POSITION', null, true),
      field('contacts', 'Телефон', 'multitext', 'PHONE', PHONE_ENUMS, true),
      field('contacts', 'Email', 'multitext', 'EMAIL', EMAIL_ENUMS, true),
    ],
    companies: [
      field('companies', 'Телефон', 'multitext', 'PHONE', PHONE_ENUMS, true),
      field('companies', 'Email', 'multitext', 'EMAIL', EMAIL_ENUMS, true),
      field('companies', 'Web', 'url', 'WEB', null, true),
      field('companies', 'Адрес', 'textarea', 'ADDRESS', null, true),
    ],
    leads: [
      field('leads', 'Комментарий', 'text', null, null, false),
      field('leads', 'Страница заявки', 'url', null, null, false),
      field('leads', 'Источник заявки', 'select', null, ['Сайт', 'Звонок', 'Чат', 'Почта'], false),
      field('leads', 'Количество', 'numeric', null, null, false),
      ...TRACKING_CODES.map((c) => field('leads', c.toLowerCase(), 'tracking_data', c, null, true)),
    ],
  };
}

/** The code amoCRM reports for an enum value: its `code`, or for multitext the value itself. */
function enumCode(f: CustomField, e: CustomFieldEnum): string | null {
  if (e.code) return e.code;
  return f.type === 'multitext' ? e.value : null;
}

export interface CfUpdate {
  field_id: number;
  /** null = clear the field */
  values: StoredCfValue[] | null;
}

function err(code: string, path: string, detail: string): FieldError {
  return { code, path, detail };
}

/** Validates `custom_fields_values` of one entity item; returns updates or the errors found. */
export function parseCustomFieldsValues(
  fields: CustomField[],
  input: unknown,
  path: string,
): { updates: CfUpdate[]; errors: FieldError[] } {
  const updates: CfUpdate[] = [];
  const errors: FieldError[] = [];
  if (input === null || input === undefined) return { updates, errors };
  if (!Array.isArray(input)) {
    errors.push(err('InvalidType', path, 'This value should be of type array.'));
    return { updates, errors };
  }
  input.forEach((raw, i) => {
    const p = `${path}.${i}`;
    if (!isObject(raw)) {
      errors.push(err('InvalidType', p, 'This value should be of type object.'));
      return;
    }
    let field: CustomField | undefined;
    if (raw.field_id !== undefined && raw.field_id !== null) {
      field = fields.find((f) => f.id === raw.field_id);
      if (!field) {
        errors.push(
          err('NotSupportedChoice', `${p}.field_id`, 'The value you selected is not a valid choice.'),
        );
        return;
      }
    } else if (raw.field_code !== undefined && raw.field_code !== null) {
      const code = raw.field_code;
      field =
        typeof code === 'string'
          ? fields.find((f) => f.code?.toUpperCase() === code.toUpperCase())
          : undefined;
      if (!field) {
        errors.push(
          err('NotSupportedChoice', `${p}.field_code`, 'The value you selected is not a valid choice.'),
        );
        return;
      }
    } else {
      errors.push(err('NotBlank', `${p}.field_id`, 'This value should not be blank.'));
      return;
    }
    if (raw.values === null) {
      updates.push({ field_id: field.id, values: null });
      return;
    }
    if (!Array.isArray(raw.values)) {
      errors.push(err('InvalidType', `${p}.values`, 'This value should be of type array.'));
      return;
    }
    const values: StoredCfValue[] = [];
    const single = ['select', 'radiobutton', 'text', 'numeric', 'checkbox', 'url', 'textarea', 'date'];
    if (single.includes(field.type) && raw.values.length > 1) {
      errors.push(err('Count', `${p}.values`, 'This collection should contain 1 element or less.'));
      return;
    }
    raw.values.forEach((rv, j) => {
      const vp = `${p}.values.${j}`;
      if (!isObject(rv)) {
        errors.push(err('InvalidType', vp, 'This value should be of type object.'));
        return;
      }
      const v = normalizeValue(field, rv, vp, errors);
      if (v) values.push(v);
    });
    updates.push({ field_id: field.id, values: values.length === 0 ? null : values });
  });
  return { updates, errors };
}

function normalizeValue(
  f: CustomField,
  rv: Record<string, unknown>,
  vp: string,
  errors: FieldError[],
): StoredCfValue | null {
  const value = rv.value;
  const bad = (code: string, at: string, detail: string) => {
    errors.push(err(code, at, detail));
    return null;
  };
  switch (f.type) {
    case 'multitext': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        return bad('InvalidType', `${vp}.value`, 'This value should be of type string.');
      }
      const enums = f.enums ?? [];
      let en: CustomFieldEnum | undefined;
      if (isInt(rv.enum_id)) {
        en = enums.find((e) => e.id === rv.enum_id);
        if (!en)
          return bad('NotSupportedChoice', `${vp}.enum_id`, 'The value you selected is not a valid choice.');
      } else {
        // `enum_code` is canonical; `enum` is what the docs' examples print — both accepted.
        const code =
          typeof rv.enum_code === 'string' ? rv.enum_code : typeof rv.enum === 'string' ? rv.enum : null;
        const key = rv.enum_code !== undefined && rv.enum_code !== null ? 'enum_code' : 'enum';
        if (code !== null) {
          en = enums.find((e) => enumCode(f, e) === code.toUpperCase());
          if (!en)
            return bad('NotSupportedChoice', `${vp}.${key}`, 'The value you selected is not a valid choice.');
        } else {
          en = enums[0];
        }
      }
      const out: StoredCfValue = { value: String(value) };
      if (en) out.enum_id = en.id;
      return out;
    }
    case 'select':
    case 'radiobutton':
    case 'multiselect':
    case 'category': {
      const enums = f.enums ?? [];
      let en: CustomFieldEnum | undefined;
      if (isInt(rv.enum_id)) {
        en = enums.find((e) => e.id === rv.enum_id);
        if (!en)
          return bad('NotSupportedChoice', `${vp}.enum_id`, 'The value you selected is not a valid choice.');
      } else if (typeof rv.enum_code === 'string') {
        const code = rv.enum_code;
        en = enums.find((e) => e.code === code);
        if (!en)
          return bad(
            'NotSupportedChoice',
            `${vp}.enum_code`,
            'The value you selected is not a valid choice.',
          );
      } else if (typeof value === 'string') {
        en = enums.find((e) => e.value === value);
        if (!en)
          return bad('NotSupportedChoice', `${vp}.value`, 'The value you selected is not a valid choice.');
      } else {
        return bad('NotBlank', `${vp}.value`, 'This value should not be blank.');
      }
      return { value: en.value, enum_id: en.id };
    }
    case 'numeric':
    case 'price':
    case 'monetary': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' ? Number(value.replace(',', '.')) : NaN;
      if (!Number.isFinite(n) || (typeof value === 'string' && value.trim() === '')) {
        return bad('InvalidType', `${vp}.value`, 'This value should be of type numeric.');
      }
      return { value: String(n) };
    }
    case 'checkbox': {
      if (typeof value === 'boolean') return { value };
      if (value === 1 || value === 0 || value === '1' || value === '0') return { value: Number(value) === 1 };
      return bad('InvalidType', `${vp}.value`, 'This value should be of type bool.');
    }
    case 'date':
    case 'date_time':
    case 'birthday': {
      if (isInt(value)) return { value };
      if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
        return { value: Math.floor(Date.parse(value) / 1000) };
      }
      return bad('InvalidType', `${vp}.value`, 'This value should be a timestamp or an RFC3339 date.');
    }
    case 'url': {
      if (typeof value !== 'string' || value.trim() === '') {
        return bad('InvalidType', `${vp}.value`, 'This value should be of type string.');
      }
      return { value };
    }
    case 'text':
    case 'textarea':
    case 'streetaddress':
    case 'tracking_data': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        return bad('InvalidType', `${vp}.value`, 'This value should be of type string.');
      }
      return { value: String(value) };
    }
    default: {
      const out: StoredCfValue = { value: toJson(value) };
      if (typeof rv.enum_code === 'string') out.enum_code = rv.enum_code;
      return out;
    }
  }
}

function toJson(v: unknown): Json {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Json);
}

/** Applies validated updates: a mentioned field's values are replaced as a whole; null clears it. */
export function applyCfUpdates(current: StoredCf[], updates: CfUpdate[]): StoredCf[] {
  const out = current.map((c) => ({ field_id: c.field_id, values: [...c.values] }));
  for (const u of updates) {
    const at = out.findIndex((c) => c.field_id === u.field_id);
    if (u.values === null) {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = { field_id: u.field_id, values: u.values };
    else out.push({ field_id: u.field_id, values: u.values });
  }
  return out;
}

/** `custom_fields_values` as amoCRM returns it (null when empty). */
export function expandCustomFields(fields: CustomField[], stored: StoredCf[]): Json {
  if (stored.length === 0) return null;
  const out: Json[] = [];
  for (const s of stored) {
    const f = fields.find((x) => x.id === s.field_id);
    if (!f) continue;
    out.push({
      field_id: f.id,
      field_name: f.name,
      field_code: f.code,
      field_type: f.type,
      values: s.values.map((v) => {
        const o: JsonObject = { value: v.value };
        if (v.enum_id !== undefined) {
          o.enum_id = v.enum_id;
          const en = f.enums?.find((e) => e.id === v.enum_id);
          const code = en ? enumCode(f, en) : null;
          if (code !== null) o.enum_code = code;
        } else if (v.enum_code !== undefined) o.enum_code = v.enum_code;
        return o;
      }),
    });
  }
  return out.length === 0 ? null : out;
}

/** Text of all custom field values, for `query` search. */
export function cfSearchText(stored: StoredCf[]): string[] {
  return stored.flatMap((s) =>
    s.values.map((v) => (typeof v.value === 'string' ? v.value : JSON.stringify(v.value))),
  );
}

export function serializeField(ctx: Ctx, f: CustomField): JsonObject {
  const o: JsonObject = {
    id: f.id,
    name: f.name,
    type: f.type,
    account_id: ctx.state.account.id,
    code: f.code,
    sort: f.sort,
    is_api_only: f.is_api_only,
    enums:
      f.enums === null
        ? null
        : f.enums.map((e) => ({
            id: e.id,
            value: e.value,
            sort: e.sort,
            ...(e.code ? { code: e.code } : {}),
          })),
    group_id: f.group_id,
    required_statuses: f.required_statuses,
    is_deletable: f.is_deletable,
    is_predefined: f.is_predefined,
    entity_type: f.entity_type,
    remind: f.remind,
    _links: { self: { href: `${ctx.base}/api/v4/${f.entity_type}/custom_fields/${f.id}` } },
  };
  if (f.entity_type === 'leads') {
    o.is_computed = false;
    o.hidden_statuses = [];
    o.chained_lists = null;
  }
  return o;
}

export function listCustomFields(ctx: Ctx, entity: EntityType): Reply {
  const paging = readPaging(ctx.query);
  if (typeof paging === 'string') return problem(400, paging);
  const types = [...ctx.query.entries()]
    .filter(([k]) => k.startsWith('filter[type]'))
    .flatMap(([, v]) => v.split(','));
  let list = ctx.state.customFieldsByEntity[entity];
  if (types.length > 0) list = list.filter((f) => types.includes(f.type));
  const ids = [...ctx.query.entries()].filter(([k]) => k.startsWith('filter[id]')).map(([, v]) => Number(v));
  if (ids.length > 0) list = list.filter((f) => ids.includes(f.id));
  const start = (paging.page - 1) * paging.limit;
  const page = list.slice(start, start + paging.limit);
  if (page.length === 0) return noContent();
  const path = `/api/v4/${entity}/custom_fields`;
  return hal(200, {
    _total_items: list.length,
    _page: paging.page,
    _page_count: Math.max(1, Math.ceil(list.length / paging.limit)),
    _links: pageLinks(ctx.base, path, ctx.query, paging.page, start + paging.limit < list.length),
    _embedded: { custom_fields: page.map((f) => serializeField(ctx, f)) },
  });
}

export function getCustomField(ctx: Ctx, entity: EntityType, id: number): Reply {
  const f = ctx.state.customFieldsByEntity[entity].find((x) => x.id === id);
  return f ? hal(200, serializeField(ctx, f)) : noContent();
}

export function createCustomFields(ctx: Ctx, entity: EntityType): Reply {
  const user = ctx.state.user(ctx.userId);
  if (!user?.is_admin) fail(problem(403, 'Access denied'));
  const body = ctx.body;
  if (!Array.isArray(body) || body.length === 0) fail(problem(400, 'Request body must be a non-empty array'));
  if (body.length > 250) fail(problem(400, 'Too many elements in request (max 250)'));
  const errors: { request_id: string; errors: FieldError[] }[] = [];
  const existing = ctx.state.customFieldsByEntity[entity];
  body.forEach((item, i) => {
    const rid = isObject(item) ? requestIdOf(item, i) : String(i);
    const e: FieldError[] = [];
    if (!isObject(item)) e.push(err('InvalidType', `${i}`, 'This value should be of type object.'));
    else {
      if (typeof item.name !== 'string' || item.name.trim() === '') {
        e.push(err('NotBlank', 'name', 'This value should not be blank.'));
      }
      const type = item.type;
      if (typeof type !== 'string' || !ALL_TYPES.has(type)) {
        e.push(err('NotSupportedChoice', 'type', 'The value you selected is not a valid choice.'));
      } else if (
        CATALOG_ONLY.has(type) ||
        (type === 'tracking_data' && entity !== 'leads') ||
        (type === 'multitext' && entity === 'leads')
      ) {
        e.push(err('NotSupportedChoice', 'type', `Type ${type} is not available for ${entity}.`));
      } else if (ENUM_TYPES.has(type) && type !== 'multitext') {
        const enums = item.enums;
        if (!Array.isArray(enums) || enums.length === 0) {
          e.push(err('NotBlank', 'enums', 'This value should not be blank.'));
        } else if (!enums.every((x) => isObject(x) && typeof x.value === 'string' && x.value !== '')) {
          e.push(err('InvalidType', 'enums', 'Each enum needs a non-empty string value.'));
        }
      }
      if (item.code !== undefined && item.code !== null) {
        const code = item.code;
        if (typeof code !== 'string' || !/^[A-Za-z0-9_]+$/.test(code)) {
          e.push(err('InvalidType', 'code', 'Code may contain only latin letters, digits and underscores.'));
        } else if (existing.some((f) => f.code?.toUpperCase() === code.toUpperCase())) {
          e.push(err('NotUnique', 'code', 'A field with this code already exists.'));
        }
      }
    }
    if (e.length > 0) errors.push({ request_id: rid, errors: e });
  });
  if (errors.length > 0) return validationProblem(errors);
  const created: JsonObject[] = [];
  body.forEach((raw, i) => {
    const item = raw as Record<string, unknown>;
    const type = item.type as string;
    const enumsIn = Array.isArray(item.enums) ? item.enums.filter(isObject) : [];
    const f: CustomField = {
      id: ctx.state.nextId('field'),
      name: item.name as string,
      type,
      code: typeof item.code === 'string' ? item.code.toUpperCase() : null,
      sort: isInt(item.sort) ? item.sort : 500 + existing.length * 2,
      entity_type: entity,
      is_predefined: false,
      is_deletable: true,
      is_api_only: item.is_api_only === true,
      group_id: typeof item.group_id === 'string' ? item.group_id : null,
      required_statuses: [],
      remind: null,
      enums: ENUM_TYPES.has(type)
        ? enumsIn.map((en, j) => {
            const e: CustomFieldEnum = {
              id: ctx.state.nextId('fieldEnum'),
              value: String(en.value),
              sort: isInt(en.sort) ? en.sort : (j + 1) * 2,
            };
            if (typeof en.code === 'string') e.code = en.code;
            return e;
          })
        : null,
    };
    existing.push(f);
    created.push({ ...serializeField(ctx, f), request_id: requestIdOf(item, i) });
  });
  return hal(200, {
    _total_items: created.length,
    _links: { self: { href: `${ctx.base}/api/v4/${entity}/custom_fields` } },
    _embedded: { custom_fields: created },
  });
}
