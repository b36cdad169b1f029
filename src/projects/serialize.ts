/** What the API takes and answers about projects. */
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { currencyField, textField, timezoneField } from '../accounts/fields.js';
import type { Project, UserRole } from '../db/schema.js';
import type { Sealer } from '../security/sealed.js';
import { domainsField } from './domains.js';

export const projectJson = z.object({
  id: z.string(),
  name: z.string(),
  domains: z.array(z.string()),
  timezone: z.string(),
  currency: z.string(),
  siteKey: z.string(),
  apiKey: z.string().nullable().describe('secret; null for viewers'),
  snippet: z.string().describe('the tag to paste into every page of the site'),
  lastHitAt: z.string().nullable(),
  attributionModel: z.enum(['last_non_direct', 'first_click', 'last_click']),
  duplicateWindowMinutes: z
    .number()
    .describe('a lead with the same contact within this many minutes is a duplicate'),
  phoneRegion: z
    .string()
    .describe('ISO country whose numbering applies to phones written without a country code'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type ProjectJson = z.infer<typeof projectJson>;

const leadSettings = {
  attributionModel: z.enum(['last_non_direct', 'first_click', 'last_click']).optional(),
  duplicateWindowMinutes: z.number().int().min(0).max(43_200).optional(),
  phoneRegion: z
    .string()
    .trim()
    .toUpperCase()
    .refine((r) => isSupportedCountry(r), 'must be an ISO country code such as RU')
    .optional(),
};

const projectName = textField(200).min(1, 'must not be empty');

/** A new project; time zone and currency default to the account's. */
export const newProjectBody = z.strictObject({
  name: projectName,
  domains: domainsField,
  timezone: timezoneField.optional(),
  currency: currencyField.optional(),
  ...leadSettings,
});

export const projectPatchBody = z.strictObject({
  name: projectName.optional(),
  domains: domainsField.optional(),
  timezone: timezoneField.optional(),
  currency: currencyField.optional(),
  ...leadSettings,
});

export function installSnippet(publicUrl: string, siteKey: string): string {
  return `<script async src="${publicUrl}/t.js" data-site="${siteKey}"></script>`;
}

export function toProjectJson(
  p: Project,
  ctx: { publicUrl: string; sealer: Sealer; role: UserRole },
): ProjectJson {
  return {
    id: p.id,
    name: p.name,
    domains: p.domains,
    timezone: p.timezone,
    currency: p.currency.trim(),
    siteKey: p.site_key,
    apiKey: ctx.role === 'viewer' ? null : ctx.sealer.open(p.api_key_enc),
    snippet: installSnippet(ctx.publicUrl, p.site_key),
    lastHitAt: p.last_hit_at?.toISOString() ?? null,
    attributionModel: p.attribution_model,
    duplicateWindowMinutes: p.duplicate_window_minutes,
    phoneRegion: p.phone_region.trim(),
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}
