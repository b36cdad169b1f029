/** What the client sends: request body types of amoCRM API v4 and small builders for them. */
import type { AmoCfEntry, AmoCfValue } from './schemas.js';

export type AmoEntityType = 'leads' | 'contacts' | 'companies';

/** A tag by name (created on the fly when unknown) or by id. */
export type AmoTagRef = { name: string } | { id: number };

/**
 * `_embedded.tags` inside entity bodies. On PATCH it replaces ALL tags of the entity (null detaches all);
 * use `tags_to_add` to add a tag while keeping the ones a manager set.
 */
export interface AmoEmbeddedTags {
  tags?: AmoTagRef[] | null;
}

export interface AmoCfValueInput {
  value?: string | number | boolean;
  enum_id?: number;
  enum_code?: string;
}

/** One `custom_fields_values` entry: by field id or by field code; `values: null` clears the field. */
export interface AmoCfInput {
  field_id?: number;
  field_code?: string;
  values: AmoCfValueInput[] | null;
}

interface EntityInputBase {
  name?: string;
  responsible_user_id?: number;
  /** 0 = "robot" */
  created_by?: number;
  updated_by?: number;
  created_at?: number;
  updated_at?: number;
  custom_fields_values?: AmoCfInput[];
  tags_to_add?: AmoTagRef[];
  tags_to_delete?: AmoTagRef[];
  /** echoed back by amoCRM; the client fills in the item's index when absent */
  request_id?: string;
}

export interface AmoLeadInput extends EntityInputBase {
  price?: number;
  pipeline_id?: number;
  status_id?: number;
  closed_at?: number;
  loss_reason_id?: number | null;
  _embedded?: AmoEmbeddedTags & {
    /** create only: existing entities by id (use link() later) */
    contacts?: { id: number; is_main?: boolean }[];
    companies?: { id: number }[];
  };
}

export interface AmoContactInput extends EntityInputBase {
  first_name?: string;
  last_name?: string;
  _embedded?: AmoEmbeddedTags;
}

export interface AmoCompanyInput extends EntityInputBase {
  _embedded?: AmoEmbeddedTags;
}

export type AmoLeadUpdate = AmoLeadInput & { id: number };
export type AmoContactUpdate = AmoContactInput & { id: number };
export type AmoCompanyUpdate = AmoCompanyInput & { id: number };

/** Unsorted ("incoming") lead metadata for /leads/complex. */
export interface AmoComplexMetadata {
  category: 'forms' | 'sip';
  form_id?: string;
  form_name?: string;
  form_page?: string;
  form_sent_at?: number;
  ip?: string;
  referer?: string;
  visitor_uid?: string;
}

/** A /leads/complex item: a lead with at most one new-or-existing contact and company. */
export interface AmoComplexLeadInput extends Omit<AmoLeadInput, '_embedded'> {
  _embedded?: AmoEmbeddedTags & {
    contacts?: [AmoContactInput | { id: number }];
    companies?: [AmoCompanyInput | { id: number }];
    metadata?: AmoComplexMetadata;
  };
}

export interface AmoCustomFieldInput {
  name: string;
  type: string;
  code?: string;
  sort?: number;
  /** required for select / multiselect / radiobutton */
  enums?: { value: string; sort?: number }[];
}

export interface AmoLinkInput {
  to_entity_type: AmoEntityType;
  to_entity_id: number;
  metadata?: { is_main?: boolean };
}

export interface AmoNoteInput {
  entity_id: number;
  note_type: 'common';
  params: { text: string };
  request_id?: string;
}

/** A text / numeric / url / tracking_data field value. */
export function fieldValue(fieldId: number, value: string | number | boolean): AmoCfInput {
  return { field_id: fieldId, values: [{ value }] };
}

/**
 * The predefined PHONE / EMAIL multitext fields (enum WORK). Writing one replaces its whole list of
 * values, so pass every phone / e-mail the entity should keep.
 */
export function contactChannels(c: { phone?: string | string[]; email?: string | string[] }): AmoCfInput[] {
  const list = (v: string | string[] | undefined) =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter((s) => s !== '');
  const out: AmoCfInput[] = [];
  const phones = list(c.phone);
  const emails = list(c.email);
  if (phones.length > 0)
    out.push({ field_code: 'PHONE', values: phones.map((value) => ({ value, enum_code: 'WORK' })) });
  if (emails.length > 0)
    out.push({ field_code: 'EMAIL', values: emails.map((value) => ({ value, enum_code: 'WORK' })) });
  return out;
}

/** `[{name}, …]` for `_embedded.tags` / `tags_to_add`. */
export function tagRefs(...names: string[]): AmoTagRef[] {
  return names.map((name) => ({ name }));
}

/** Values of one custom field of a read entity ([] when unset). */
export function readField(
  entity: { custom_fields_values?: AmoCfEntry[] | null },
  field: number | string,
): AmoCfValue[] {
  const entry = entity.custom_fields_values?.find((f) =>
    typeof field === 'number' ? f.field_id === field : f.field_code === field,
  );
  return entry?.values ?? [];
}
