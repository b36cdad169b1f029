import { type AmoClient, readField } from './client.js';
import type { Entity } from './settings.js';

/** Deals of one contact looked at to pick the most recent: more is a data problem, not a lead's. */
const MAX_DEALS = 20;

/**
 * Mode 2: the contact whose EMAIL field holds exactly this address (amoCRM's `query` is a fuzzy
 * full-text match, so every hit is checked), that contact's most recent deal and its company.
 * Of several such contacts the most recently updated wins.
 */
export async function findByEmail(
  client: AmoClient,
  email: string,
): Promise<Partial<Record<Entity, number>>> {
  const wanted = email.trim().toLowerCase();
  const hits = await client.findContacts(wanted, { withLeads: true });
  const exact = hits
    .filter((c) =>
      readField(c, 'EMAIL').some(
        (v) =>
          String(v.value ?? '')
            .trim()
            .toLowerCase() === wanted,
      ),
    )
    .sort((a, b) => b.updated_at - a.updated_at);
  const contact = exact[0];
  if (!contact) return {};
  const found: Partial<Record<Entity, number>> = { contact: contact.id };
  const company = contact._embedded?.companies?.[0]?.id;
  if (company) found.company = company;
  const dealIds = (contact._embedded?.leads ?? []).map((l) => l.id).slice(0, MAX_DEALS);
  const deals = (await Promise.all(dealIds.map((id) => client.getLead(id)))).filter((d) => d !== null);
  const latest = deals.sort((a, b) => b.created_at - a.created_at || b.id - a.id)[0];
  if (latest) found.deal = latest.id;
  return found;
}
