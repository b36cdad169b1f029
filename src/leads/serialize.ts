import { z } from 'zod';
import type { Language, Lead, Visit } from '../db/schema.js';
import { PARAM_KEYS } from './param-keys.js';

export const paramsJson = z.object(
  Object.fromEntries(PARAM_KEYS.map((k) => [k, z.string().nullable()])) as Record<
    (typeof PARAM_KEYS)[number],
    z.ZodNullable<z.ZodString>
  >,
);

export const leadTypeField = z.enum(['form', 'phone', 'chat', 'email', 'offline']);

/** The filters of a project's leads list, and its page. */
export const leadListQuery = z.strictObject({
  type: leadTypeField.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  source: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const visitJson = z.object({
  startedAt: z.string(),
  lastHitAt: z.string(),
  hits: z.number(),
  source: z.string(),
  medium: z.string(),
  campaign: z.string().nullable(),
  content: z.string().nullable(),
  term: z.string().nullable(),
  socialNetwork: z.string().nullable(),
  landingUrl: z.string(),
  referrer: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
  device: z.string().nullable(),
  browser: z.string().nullable(),
});

export const leadJson = z.object({
  id: z.string(),
  projectId: z.string(),
  type: leadTypeField,
  channel: z.string(),
  externalId: z.string().nullable(),
  contact: z.object({
    email: z.string().nullable(),
    phone: z.string().nullable(),
    name: z.string().nullable(),
    company: z.string().nullable(),
  }),
  subject: z.string().nullable(),
  message: z.string().nullable(),
  page: z.string().nullable(),
  visitorId: z.string().nullable(),
  occurredAt: z.string(),
  createdAt: z.string(),
  attributedAt: z.string().nullable(),
  isDuplicate: z.boolean(),
  duplicateOf: z.string().nullable(),
  params: paramsJson,
  visits: z.array(visitJson).optional(),
});

export type LeadJson = z.infer<typeof leadJson>;

export function toLeadJson(l: Lead, visits?: readonly Visit[], language: Language = 'ru'): LeadJson {
  const params = Object.fromEntries(PARAM_KEYS.map((k) => [k, l.params[k] ?? null])) as LeadJson['params'];
  return {
    id: l.id,
    projectId: l.project_id,
    type: l.type,
    channel: l.channel,
    externalId: l.external_id,
    contact: { email: l.email, phone: l.phone, name: l.name, company: l.company },
    subject: l.subject,
    message: l.message,
    page: l.page,
    visitorId: l.visitor_id,
    occurredAt: l.occurred_at.toISOString(),
    createdAt: l.created_at.toISOString(),
    attributedAt: l.attributed_at?.toISOString() ?? null,
    isDuplicate: l.duplicate_of !== null,
    duplicateOf: l.duplicate_of,
    params,
    ...(visits && { visits: visits.map((v) => toVisitJson(v, language)) }),
  };
}

function toVisitJson(v: Visit, language: Language): z.infer<typeof visitJson> {
  const pick = (ru: string | null, en: string | null) => (language === 'ru' ? (ru ?? en) : (en ?? ru));
  return {
    startedAt: v.started_at.toISOString(),
    lastHitAt: v.last_hit_at.toISOString(),
    hits: v.hits,
    source: v.source,
    medium: v.medium,
    campaign: v.campaign,
    content: v.content,
    term: v.term,
    socialNetwork: v.social_network,
    landingUrl: v.landing_url,
    referrer: v.referrer,
    city: pick(v.city_ru, v.city_en),
    country: pick(v.country_ru, v.country_en),
    device: v.device,
    browser: v.browser,
  };
}
