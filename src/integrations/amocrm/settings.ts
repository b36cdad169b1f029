import { z } from 'zod';
import { NO_NUL_MESSAGE, noNul } from '../../accounts/fields.js';
import type { Integration } from '../../db/schema.js';
import { PARAM_KEYS, type ParamKey } from '../../leads/param-keys.js';

export const LEAD_TYPES = ['form', 'phone', 'chat', 'email', 'offline'] as const;
export type LeadType = (typeof LEAD_TYPES)[number];
export const ENTITIES = ['deal', 'contact', 'company'] as const;
export type Entity = (typeof ENTITIES)[number];

/** amoCRM's name of each entity in its API paths */
export const AMO_ENTITY = { deal: 'leads', contact: 'contacts', company: 'companies' } as const;

/** Where amoCRM accounts live; the subdomain may also be given as the full host. */
export const AMO_DOMAINS = ['amocrm.ru', 'amocrm.com', 'kommo.com'] as const;

const secret = (what: string) =>
  z.string().trim().min(1, `${what} must not be empty`).max(4096).refine(noNul, NO_NUL_MESSAGE);

const subdomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((s) => s.replace(/^https?:\/\//, '').replace(/\/.*$/, ''))
  .pipe(
    z
      .string()
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.(?:amocrm\.ru|amocrm\.com|kommo\.com))?$/,
        'must be your amoCRM subdomain, e.g. "acme" or "acme.amocrm.ru"',
      ),
  );

const connectionBase = {
  subdomain,
  domain: z.enum(AMO_DOMAINS).optional(),
  /** test and self-hosted setups only: honoured when ALLOW_CUSTOM_INTEGRATION_HOSTS=true */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .max(300)
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
};

export const connectionBody = z.union([
  z.strictObject({ ...connectionBase, longLivedToken: secret('longLivedToken') }),
  z.strictObject({ ...connectionBase, clientId: secret('clientId'), clientSecret: secret('clientSecret') }),
]);
export type ConnectionBody = z.infer<typeof connectionBody>;

/** An existing field, a field Leadtrail creates, or not passed. */
const fieldChoice = z.union([
  z.strictObject({ fieldId: z.number().int().positive() }),
  z.literal('create'),
  z.literal('skip'),
]);
export type FieldChoice = z.infer<typeof fieldChoice>;

const fields = z
  .record(z.string(), fieldChoice)
  .superRefine((r, ctx) => {
    for (const k of Object.keys(r))
      if (!(PARAM_KEYS as readonly string[]).includes(k))
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `unknown parameter; one of ${PARAM_KEYS.join(', ')}`,
        });
  })
  .transform((r) => r as Partial<Record<ParamKey, FieldChoice>>);

const leadTypes = z
  .array(z.enum(LEAD_TYPES))
  .max(LEAD_TYPES.length)
  .transform((a) => [...new Set(a)]);

const entityBody = {
  enabled: z.boolean(),
  create: leadTypes.default([]),
  responsibleUserId: z.number().int().positive().optional(),
  fields: fields.default({}),
};

export const settingsBody = z.strictObject({
  connection: connectionBody.optional(),
  /** left out: kept as stored (all types, 180 minutes at first) */
  leadTypes: leadTypes.optional(),
  windowMinutes: z.number().int().min(1).max(1440).optional(),
  entities: z
    .strictObject({
      deal: z.strictObject({
        ...entityBody,
        pipelineId: z.number().int().positive().optional(),
        statusId: z.number().int().positive().optional(),
      }),
      contact: z.strictObject(entityBody),
      company: z.strictObject(entityBody),
    })
    .partial()
    .default({}),
});
export type SettingsBody = z.infer<typeof settingsBody>;

/** What is stored and used: every "create" resolved to the id of the field made for it. */
export interface StoredEntity {
  enabled: boolean;
  create: LeadType[];
  responsibleUserId: number | null;
  pipelineId: number | null;
  statusId: number | null;
  fields: Partial<Record<ParamKey, StoredField | 'skip'>>;
}

export interface StoredField {
  fieldId: number;
  /** amoCRM field type: decides how a value is written (date fields take a timestamp) */
  type: string;
  created: boolean;
}

export interface StoredSettings {
  leadTypes: LeadType[];
  windowMinutes: number;
  entities: Record<Entity, StoredEntity>;
  /** fields Leadtrail made, per entity and parameter: reused when "create" is chosen again */
  createdFields: Record<Entity, Partial<Record<ParamKey, number>>>;
  /**
   * The "Leadtrail lead ID" field per entity: each created entity carries the lead's id there,
   * so a retry after a lost answer finds what was already created instead of making a second one.
   */
  markerFields: Record<Entity, number | null>;
}

export const emptyEntity = (): StoredEntity => ({
  enabled: false,
  create: [],
  responsibleUserId: null,
  pipelineId: null,
  statusId: null,
  fields: {},
});

export const defaultSettings = (): StoredSettings => ({
  leadTypes: [...LEAD_TYPES],
  windowMinutes: 180,
  entities: { deal: emptyEntity(), contact: emptyEntity(), company: emptyEntity() },
  createdFields: { deal: {}, contact: {}, company: {} },
  markerFields: { deal: null, contact: null, company: null },
});

/** Settings as stored, completed with defaults for anything an older row lacks. */
export function storedSettings(row: Pick<Integration, 'settings'> | undefined): StoredSettings {
  const d = defaultSettings();
  const s = (row?.settings ?? {}) as Partial<StoredSettings>;
  return {
    leadTypes: s.leadTypes ?? d.leadTypes,
    windowMinutes: s.windowMinutes ?? d.windowMinutes,
    entities: { ...d.entities, ...s.entities },
    createdFields: { ...d.createdFields, ...s.createdFields },
    markerFields: { ...d.markerFields, ...s.markerFields },
  };
}

/** The settings as the API shows them (same shape as the PUT body, without secrets). */
export function settingsJson(s: StoredSettings) {
  const entity = (e: StoredEntity, deal: boolean) => ({
    enabled: e.enabled,
    create: e.create,
    ...(e.responsibleUserId ? { responsibleUserId: e.responsibleUserId } : {}),
    ...(deal && e.pipelineId ? { pipelineId: e.pipelineId } : {}),
    ...(deal && e.statusId ? { statusId: e.statusId } : {}),
    fields: Object.fromEntries(
      Object.entries(e.fields).map(([k, v]) => [
        k,
        v === 'skip' ? ('skip' as const) : { fieldId: v.fieldId, type: v.type, created: v.created },
      ]),
    ),
  });
  return {
    leadTypes: s.leadTypes,
    windowMinutes: s.windowMinutes,
    entities: {
      deal: entity(s.entities.deal, true),
      contact: entity(s.entities.contact, false),
      company: entity(s.entities.company, false),
    },
  };
}

const storedFieldJson = z.union([
  z.literal('skip'),
  z.object({ fieldId: z.number(), type: z.string(), created: z.boolean() }),
]);
const storedEntityJson = z.object({
  enabled: z.boolean(),
  create: z.array(z.enum(LEAD_TYPES)),
  responsibleUserId: z.number().optional(),
  pipelineId: z.number().optional(),
  statusId: z.number().optional(),
  fields: z.record(z.string(), storedFieldJson),
});
export const settingsJsonSchema = z.object({
  leadTypes: z.array(z.enum(LEAD_TYPES)),
  windowMinutes: z.number(),
  entities: z.object({ deal: storedEntityJson, contact: storedEntityJson, company: storedEntityJson }),
});

/** The host of an account: https://{subdomain}.{domain}, or the override where allowed. */
export function accountBaseUrl(c: { subdomain: string; domain?: string; baseUrl?: string }): string {
  if (c.baseUrl) return c.baseUrl;
  if (c.subdomain.includes('.')) return `https://${c.subdomain}`;
  return `https://${c.subdomain}.${c.domain ?? 'amocrm.ru'}`;
}
