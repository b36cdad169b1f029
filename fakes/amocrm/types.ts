/** Shared types of the fake amoCRM (Kommo) API v4 server. */

export type EntityType = 'leads' | 'contacts' | 'companies';
export const ENTITY_TYPES: readonly EntityType[] = ['leads', 'contacts', 'companies'];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isEntityType(v: string): v is EntityType {
  return v === 'leads' || v === 'contacts' || v === 'companies';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** One stored value of a custom field (enum_id set for multitext/select kinds). */
export interface StoredCfValue {
  value: Json;
  enum_id?: number;
  /** smart_address / legal_entity style sub-codes when the field has no enums */
  enum_code?: string;
}

export interface StoredCf {
  field_id: number;
  values: StoredCfValue[];
}

interface EntityBase {
  id: number;
  name: string;
  responsible_user_id: number;
  group_id: number;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  closest_task_at: number | null;
  is_deleted: boolean;
  custom_fields: StoredCf[];
  tag_ids: number[];
}

export interface Lead extends EntityBase {
  price: number;
  status_id: number;
  pipeline_id: number;
  loss_reason_id: number | null;
  source_id: number | null;
  closed_at: number | null;
  score: number | null;
  labor_cost: number | null;
}

export interface Contact extends EntityBase {
  first_name: string;
  last_name: string;
}

export type Company = EntityBase;

export type AnyEntity = Lead | Contact | Company;

export interface Tag {
  id: number;
  name: string;
  color: string | null;
  entity_type: EntityType;
}

export interface Link {
  entity_type: EntityType;
  entity_id: number;
  to_entity_type: EntityType;
  to_entity_id: number;
  /** lead→contact only */
  is_main: boolean;
}

export interface Note {
  id: number;
  entity_type: EntityType;
  entity_id: number;
  note_type: string;
  params: JsonObject;
  created_by: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
  responsible_user_id: number;
  group_id: number;
}

export interface CustomFieldEnum {
  id: number;
  value: string;
  sort: number;
  code?: string | null;
}

export interface CustomField {
  id: number;
  name: string;
  type: string;
  code: string | null;
  sort: number;
  entity_type: EntityType;
  is_predefined: boolean;
  is_deletable: boolean;
  is_api_only: boolean;
  group_id: string | null;
  required_statuses: Json[];
  remind: string | null;
  enums: CustomFieldEnum[] | null;
}

export interface Status {
  id: number;
  name: string;
  sort: number;
  is_editable: boolean;
  pipeline_id: number;
  color: string;
  type: 0 | 1;
}

export interface Pipeline {
  id: number;
  name: string;
  sort: number;
  is_main: boolean;
  is_unsorted_on: boolean;
  is_archive: boolean;
  statuses: Status[];
}

export interface User {
  id: number;
  name: string;
  email: string;
  lang: string;
  is_admin: boolean;
  is_active: boolean;
  group_id: number;
}

export interface RequestLogEntry {
  method: string;
  /** pathname only */
  path: string;
  /** the query string without `?` ('' when none) */
  query: string;
  /** 0 when the connection was destroyed / left hanging without a response */
  status: number;
  at: number;
  /** why the response was what it was: 'ok' or the fault / limit that produced it */
  outcome: string;
}

/** One validation error as amoCRM reports it inside `validation-errors[].errors[]`. */
export interface FieldError {
  code: string;
  path: string;
  detail: string;
}
