/** Custom field values: validation and normalisation of writes, replacement, and expansion for reads. */
import type {
  CustomField,
  CustomFieldEnum,
  FieldError,
  Json,
  JsonObject,
  StoredCf,
  StoredCfValue,
} from './types.js';
import { isInt, isObject } from './types.js';

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

export function fieldError(code: string, path: string, detail: string): FieldError {
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
    errors.push(fieldError('InvalidType', path, 'This value should be of type array.'));
    return { updates, errors };
  }
  input.forEach((raw, i) => {
    const p = `${path}.${i}`;
    if (!isObject(raw)) {
      errors.push(fieldError('InvalidType', p, 'This value should be of type object.'));
      return;
    }
    let field: CustomField | undefined;
    if (raw.field_id !== undefined && raw.field_id !== null) {
      field = fields.find((f) => f.id === raw.field_id);
      if (!field) {
        errors.push(
          fieldError('NotSupportedChoice', `${p}.field_id`, 'The value you selected is not a valid choice.'),
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
          fieldError(
            'NotSupportedChoice',
            `${p}.field_code`,
            'The value you selected is not a valid choice.',
          ),
        );
        return;
      }
    } else {
      errors.push(fieldError('NotBlank', `${p}.field_id`, 'This value should not be blank.'));
      return;
    }
    if (raw.values === null) {
      updates.push({ field_id: field.id, values: null });
      return;
    }
    if (!Array.isArray(raw.values)) {
      errors.push(fieldError('InvalidType', `${p}.values`, 'This value should be of type array.'));
      return;
    }
    const values: StoredCfValue[] = [];
    const single = ['select', 'radiobutton', 'text', 'numeric', 'checkbox', 'url', 'textarea', 'date'];
    if (single.includes(field.type) && raw.values.length > 1) {
      errors.push(fieldError('Count', `${p}.values`, 'This collection should contain 1 element or less.'));
      return;
    }
    raw.values.forEach((rv, j) => {
      const vp = `${p}.values.${j}`;
      if (!isObject(rv)) {
        errors.push(fieldError('InvalidType', vp, 'This value should be of type object.'));
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
    errors.push(fieldError(code, at, detail));
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
