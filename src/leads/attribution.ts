import type { AttributionModel, Language, LeadParams, Visit, Visitor } from '../db/schema.js';
import { touchLabel } from '../tracking/traffic-source.js';

const DIRECT_SOURCE = '(direct)';

/** The visit whose source gets the credit for a lead, by the project's model. */
export function creditedVisit(visits: readonly Visit[], model: AttributionModel): Visit | null {
  if (visits.length === 0) return null;
  switch (model) {
    case 'first_click':
      return visits[0] ?? null;
    case 'last_click':
      return visits.at(-1) ?? null;
    case 'last_non_direct':
      return [...visits].reverse().find((v) => v.source !== DIRECT_SOURCE) ?? visits.at(-1) ?? null;
  }
}

/**
 * The lead's parameters (SPEC section 3) from its visitor and the visits up to the lead, ordered
 * by start. Place names follow the account's language, falling back to the other one.
 */
export function attributionParams(input: {
  visitor: Visitor | null;
  visits: readonly Visit[];
  model: AttributionModel;
  occurredAt: Date;
  page: string | null;
  mailbox: string | null;
  language: Language;
}): LeadParams {
  const { visitor, visits, language } = input;
  const touch = creditedVisit(visits, input.model);
  const last = visits.at(-1) ?? null;
  const pick = (ru: string | null | undefined, en: string | null | undefined) =>
    (language === 'ru' ? (ru ?? en) : (en ?? ru)) ?? null;
  return {
    sent_at: input.occurredAt.toISOString(),
    source: touch?.source ?? null,
    medium: touch?.medium ?? null,
    campaign: touch?.campaign ?? null,
    content: touch?.content ?? null,
    term: touch?.term ?? null,
    social_network: touch?.social_network ?? null,
    path: visits.length ? visits.map((v) => touchLabel(v)).join(' > ') : null,
    city: pick(last?.city_ru ?? visitor?.city_ru, last?.city_en ?? visitor?.city_en),
    ip: last?.ip ?? visitor?.ip ?? null,
    ga_client_id: visitor?.ga_client_id ?? null,
    ym_client_id: visitor?.ym_client_id ?? null,
    at_client_id: visitor?.id ?? null,
    page: input.page ?? last?.landing_url ?? null,
    browser: last?.browser ?? visitor?.browser ?? null,
    country: pick(last?.country_ru ?? visitor?.country_ru, last?.country_en ?? visitor?.country_en),
    device: last?.device ?? visitor?.device ?? null,
    mailbox: input.mailbox,
  };
}

/** Parameters of a lead no visitor is known for yet: only what the lead itself says. */
export function unattributedParams(
  occurredAt: Date,
  page: string | null,
  mailbox: string | null,
): LeadParams {
  return {
    sent_at: occurredAt.toISOString(),
    source: null,
    medium: null,
    campaign: null,
    content: null,
    term: null,
    social_network: null,
    path: null,
    city: null,
    ip: null,
    ga_client_id: null,
    ym_client_id: null,
    at_client_id: null,
    page,
    browser: null,
    country: null,
    device: null,
    mailbox,
  };
}
