/** Custom fields: the seeded fields and the endpoints (their values: cf-values.ts). */

import { fieldError } from './cf-values.js';
import { type Ctx, pageLinks, readPaging, requestIdOf } from './context.js';
import { fail, hal, noContent, problem, type Reply, validationProblem } from './hal.js';
import type { CustomField, CustomFieldEnum, EntityType, FieldError, JsonObject } from './types.js';
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
    if (!isObject(item)) e.push(fieldError('InvalidType', `${i}`, 'This value should be of type object.'));
    else {
      if (typeof item.name !== 'string' || item.name.trim() === '') {
        e.push(fieldError('NotBlank', 'name', 'This value should not be blank.'));
      }
      const type = item.type;
      if (typeof type !== 'string' || !ALL_TYPES.has(type)) {
        e.push(fieldError('NotSupportedChoice', 'type', 'The value you selected is not a valid choice.'));
      } else if (
        CATALOG_ONLY.has(type) ||
        (type === 'tracking_data' && entity !== 'leads') ||
        (type === 'multitext' && entity === 'leads')
      ) {
        e.push(fieldError('NotSupportedChoice', 'type', `Type ${type} is not available for ${entity}.`));
      } else if (ENUM_TYPES.has(type) && type !== 'multitext') {
        const enums = item.enums;
        if (!Array.isArray(enums) || enums.length === 0) {
          e.push(fieldError('NotBlank', 'enums', 'This value should not be blank.'));
        } else if (!enums.every((x) => isObject(x) && typeof x.value === 'string' && x.value !== '')) {
          e.push(fieldError('InvalidType', 'enums', 'Each enum needs a non-empty string value.'));
        }
      }
      if (item.code !== undefined && item.code !== null) {
        const code = item.code;
        if (typeof code !== 'string' || !/^[A-Za-z0-9_]+$/.test(code)) {
          e.push(
            fieldError('InvalidType', 'code', 'Code may contain only latin letters, digits and underscores.'),
          );
        } else if (existing.some((f) => f.code?.toUpperCase() === code.toUpperCase())) {
          e.push(fieldError('NotUnique', 'code', 'A field with this code already exists.'));
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
