/** The client's calls for each entity Leadtrail sends, so sync code asks `ENTITY[entity]` instead of branching three ways. */
import type { AmoCfEntry, AmoCfInput, AmoClient, AmoTagRef } from './client.js';
import type { Entity } from './settings.js';

/** What the sync reads of any entity: its id and custom fields. */
export interface AmoRecord {
  id: number;
  custom_fields_values?: AmoCfEntry[] | null;
}

/** A result of /leads/complex: the deal and the contact and company created (or merged into) with it. */
export interface ComplexResult {
  id: number;
  contact_id?: number | null;
  company_id?: number | null;
  merged?: boolean;
}

/** The part of an update every entity takes: the lead's mapped fields and the project's tag. */
export interface FieldsUpdate {
  id: number;
  custom_fields_values: AmoCfInput[];
  tags_to_add: AmoTagRef[];
}

interface EntityApi {
  /** full-text search (the marker field holds the lead id) */
  find(client: AmoClient, query: string): Promise<AmoRecord[]>;
  /** null when amoCRM has no such entity */
  get(client: AmoClient, id: number): Promise<AmoRecord | null>;
  /** bulk PATCH of custom fields and tags */
  update(client: AmoClient, items: FieldsUpdate[]): Promise<number[]>;
  /** this entity's id in a /leads/complex result; null when it was not created there */
  complexId(r: ComplexResult): number | null;
}

export const ENTITY: Record<Entity, EntityApi> = {
  deal: {
    find: (client, query) => client.findLeads(query),
    get: (client, id) => client.getLead(id),
    update: (client, items) => client.updateLeads(items),
    complexId: (r) => r.id,
  },
  contact: {
    find: (client, query) => client.findContacts(query),
    get: (client, id) => client.getContact(id),
    update: (client, items) => client.updateContacts(items),
    complexId: (r) => r.contact_id ?? null,
  },
  company: {
    find: (client, query) => client.findCompanies(query),
    get: (client, id) => client.getCompany(id),
    update: (client, items) => client.updateCompanies(items),
    complexId: (r) => r.company_id ?? null,
  },
};
