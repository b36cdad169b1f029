/**
 * zod schemas of amoCRM API v4 answers. Objects are `.loose()`: amoCRM adds fields without notice, and
 * only what Leadtrail relies on is required.
 */
import { z } from 'zod';

const id = z.number().int();
/** amoCRM echoes request_id as sent; older answers carried the index as a number */
const requestId = z.union([z.string(), z.number()]).transform(String);

const halLink = z.object({ href: z.string() }).loose();

/** A HAL collection page: the items sit under `_embedded[<key>]`, checked separately per key. */
export const pageSchema = z
  .object({
    _page: z.number().nullish(),
    _links: z.object({ next: halLink.nullish() }).loose().nullish(),
    _embedded: z.record(z.string(), z.unknown()),
  })
  .loose();

export const accountSchema = z
  .object({
    id,
    name: z.string(),
    subdomain: z.string(),
    current_user_id: id.nullish(),
    country: z.string().nullish(),
    currency: z.string().nullish(),
  })
  .loose();
export type AmoAccount = z.infer<typeof accountSchema>;

export const userSchema = z
  .object({
    id,
    name: z.string(),
    email: z.string().nullish(),
    lang: z.string().nullish(),
    rights: z.object({ is_admin: z.boolean().nullish(), is_active: z.boolean().nullish() }).loose().nullish(),
  })
  .loose();
export type AmoUser = z.infer<typeof userSchema>;

export const statusSchema = z
  .object({
    id,
    name: z.string(),
    sort: z.number().nullish(),
    /** 1 = Unsorted, 0 = regular (142 won / 143 lost are regular with shared ids) */
    type: z.number().nullish(),
    color: z.string().nullish(),
    pipeline_id: id.nullish(),
  })
  .loose();
export type AmoStatus = z.infer<typeof statusSchema>;

export interface AmoPipeline {
  id: number;
  name: string;
  sort: number | null;
  is_main: boolean;
  is_archive: boolean;
  statuses: AmoStatus[];
}

export const pipelineSchema = z
  .object({
    id,
    name: z.string(),
    sort: z.number().nullish(),
    is_main: z.boolean().nullish(),
    is_archive: z.boolean().nullish(),
    _embedded: z.object({ statuses: z.array(statusSchema) }).loose(),
  })
  .loose()
  .transform(
    (p): AmoPipeline => ({
      id: p.id,
      name: p.name,
      sort: p.sort ?? null,
      is_main: p.is_main ?? false,
      is_archive: p.is_archive ?? false,
      statuses: p._embedded.statuses,
    }),
  );

export const customFieldSchema = z
  .object({
    id,
    name: z.string(),
    type: z.string(),
    code: z.string().nullish(),
    sort: z.number().nullish(),
    entity_type: z.string().nullish(),
    is_predefined: z.boolean().nullish(),
    enums: z
      .array(
        z.object({ id, value: z.string(), sort: z.number().nullish(), code: z.string().nullish() }).loose(),
      )
      .nullish(),
  })
  .loose();
export type AmoCustomField = z.infer<typeof customFieldSchema>;

export const cfValueSchema = z
  .object({
    value: z.unknown(),
    enum_id: id.nullish(),
    enum_code: z.string().nullish(),
    /** the docs' examples print `enum`; the SDK reads `enum_code` */
    enum: z.string().nullish(),
  })
  .loose();
export type AmoCfValue = z.infer<typeof cfValueSchema>;

export const cfEntrySchema = z
  .object({
    field_id: id,
    field_name: z.string().nullish(),
    field_code: z.string().nullish(),
    field_type: z.string().nullish(),
    values: z.array(cfValueSchema).nullable(),
  })
  .loose();
export type AmoCfEntry = z.infer<typeof cfEntrySchema>;

const tagSchema = z.object({ id, name: z.string(), color: z.string().nullish() }).loose();
export type AmoTag = z.infer<typeof tagSchema>;

const refSchema = z.object({ id, is_main: z.boolean().nullish() }).loose();

const embeddedSchema = z
  .object({
    tags: z.array(tagSchema).nullish(),
    contacts: z.array(refSchema).nullish(),
    companies: z.array(refSchema).nullish(),
    leads: z.array(refSchema).nullish(),
  })
  .loose();

const entityFields = {
  id,
  name: z.string(),
  responsible_user_id: id.nullish(),
  created_by: id.nullish(),
  updated_by: id.nullish(),
  created_at: z.number(),
  updated_at: z.number(),
  is_deleted: z.boolean().nullish(),
  /** null when the entity has no values (amoCRM never sends []) */
  custom_fields_values: z.array(cfEntrySchema).nullish(),
  account_id: id.nullish(),
  _embedded: embeddedSchema.nullish(),
};

export const leadSchema = z
  .object({
    ...entityFields,
    price: z.number().nullish(),
    status_id: id,
    pipeline_id: id,
    loss_reason_id: id.nullish(),
    closed_at: z.number().nullish(),
  })
  .loose();
export type AmoLead = z.infer<typeof leadSchema>;

export const contactSchema = z
  .object({ ...entityFields, first_name: z.string().nullish(), last_name: z.string().nullish() })
  .loose();
export type AmoContact = z.infer<typeof contactSchema>;

export const companySchema = z.object(entityFields).loose();
export type AmoCompany = z.infer<typeof companySchema>;

/** One item of a create answer (`_embedded.<entity>[]`). */
export const createdSchema = z.object({ id, request_id: requestId.nullish() }).loose();

/** One item of a bulk PATCH answer. */
export const updatedSchema = z.object({ id, updated_at: z.number().nullish() }).loose();

/** POST /api/v4/leads/complex answers a bare array of these (no HAL envelope). */
export const complexResultSchema = z
  .object({
    id,
    contact_id: id.nullish().transform((v) => v ?? null),
    company_id: id.nullish().transform((v) => v ?? null),
    request_id: z
      .union([z.array(requestId), requestId])
      .nullish()
      .transform((v) => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v])),
    merged: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
  })
  .loose();
export type AmoComplexResult = z.infer<typeof complexResultSchema>;
export const complexAnswerSchema = z.array(complexResultSchema);

export const linkSchema = z
  .object({
    entity_id: id,
    entity_type: z.string(),
    to_entity_id: id,
    to_entity_type: z.string(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
export type AmoLink = z.infer<typeof linkSchema>;

export interface AmoTokens {
  accessToken: string;
  refreshToken: string;
  /** seconds from now */
  expiresIn: number;
  tokenType: string;
}

export const tokenAnswerSchema = z
  .object({
    token_type: z.string(),
    expires_in: z.number(),
    access_token: z.string().min(1),
    refresh_token: z.string().min(1),
  })
  .loose()
  .transform(
    (t): AmoTokens => ({
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresIn: t.expires_in,
      tokenType: t.token_type,
    }),
  );
