import type { Language } from '../../db/schema.js';
import { PARAM_LABELS, type ParamKey } from '../../leads/param-keys.js';
import type { AmoClient, AmoCustomField } from './client.js';
import { compatibleTypes } from './field-types.js';
import {
  AMO_ENTITY,
  ENTITIES,
  type Entity,
  emptyEntity,
  type SettingsBody,
  type StoredEntity,
  type StoredSettings,
} from './settings.js';

/** The account's users, pipelines and fields, as the cabinet's drop-downs need them. */
export interface AmoOptions {
  users: Array<{ id: number; name: string }>;
  pipelines: Array<{ id: number; name: string; statuses: Array<{ id: number; name: string }> }>;
  fields: Record<Entity, Array<{ id: number; name: string; type: string; code: string | null }>>;
}

export async function loadOptions(client: AmoClient): Promise<AmoOptions> {
  const [users, pipelines, deal, contact, company] = await Promise.all([
    client.users(),
    client.pipelines(),
    client.customFields('leads'),
    client.customFields('contacts'),
    client.customFields('companies'),
  ]);
  const fieldList = (list: AmoCustomField[]) =>
    list.map((f) => ({ id: f.id, name: f.name, type: f.type, code: f.code ?? null }));
  return {
    users: users.map((u) => ({ id: u.id, name: u.name })),
    pipelines: pipelines.map((p) => ({
      id: p.id,
      name: p.name,
      statuses: p.statuses.map((s) => ({ id: s.id, name: s.name })),
    })),
    fields: { deal: fieldList(deal), contact: fieldList(contact), company: fieldList(company) },
  };
}

export interface Problem {
  path: string;
  message: string;
}

const MARKER_NAME = { ru: 'ID лида Leadtrail', en: 'Leadtrail lead ID' } as const;
const createdName = (key: ParamKey, language: Language) => `${PARAM_LABELS[key][language]} (Leadtrail)`;

/**
 * Checks the settings against the account (users, statuses, fields must exist; a field must take
 * text), then creates the fields the user asked Leadtrail to create — once: a field made before
 * for the same parameter is reused while it still exists.
 */
export async function configure(
  client: AmoClient,
  current: StoredSettings,
  body: SettingsBody,
  language: Language,
): Promise<{ ok: true; settings: StoredSettings } | { ok: false; problems: Problem[] }> {
  const options = await loadOptions(client);
  const problems: Problem[] = [];
  const next: StoredSettings = {
    leadTypes: body.leadTypes ?? current.leadTypes,
    windowMinutes: body.windowMinutes ?? current.windowMinutes,
    entities: { ...current.entities },
    createdFields: structuredClone(current.createdFields),
    markerFields: { ...current.markerFields },
  };
  const toCreate: Record<Entity, ParamKey[]> = { deal: [], contact: [], company: [] };

  for (const entity of ENTITIES) {
    const b = body.entities[entity];
    if (!b) continue;
    const at = `body.entities.${entity}`;
    const e: StoredEntity = { ...emptyEntity(), enabled: b.enabled, create: b.create };
    if (b.responsibleUserId !== undefined) {
      if (!options.users.some((u) => u.id === b.responsibleUserId))
        problems.push({
          path: `${at}.responsibleUserId`,
          message: `no user ${b.responsibleUserId} in amoCRM`,
        });
      e.responsibleUserId = b.responsibleUserId;
    }
    if ('statusId' in b || 'pipelineId' in b) {
      const deal = b as NonNullable<SettingsBody['entities']['deal']>;
      const pipeline =
        deal.pipelineId !== undefined
          ? options.pipelines.find((p) => p.id === deal.pipelineId)
          : options.pipelines.find((p) => p.statuses.some((s) => s.id === deal.statusId));
      if (deal.pipelineId !== undefined && !pipeline)
        problems.push({ path: `${at}.pipelineId`, message: `no pipeline ${deal.pipelineId} in amoCRM` });
      if (deal.statusId !== undefined && !pipeline?.statuses.some((s) => s.id === deal.statusId))
        problems.push({
          path: `${at}.statusId`,
          message: pipeline
            ? `no status ${deal.statusId} in pipeline "${pipeline.name}"`
            : `no status ${deal.statusId} in amoCRM`,
        });
      e.pipelineId = pipeline?.id ?? null;
      e.statusId = deal.statusId ?? null;
    }
    for (const [key, choice] of Object.entries(b.fields) as Array<[ParamKey, (typeof b.fields)[ParamKey]]>) {
      if (choice === undefined) continue;
      if (choice === 'skip') {
        e.fields[key] = 'skip';
      } else if (choice === 'create') {
        // Made before, by this project or (same name) by another project on the same account.
        const made = next.createdFields[entity][key];
        const name = createdName(key, language);
        const still =
          options.fields[entity].find((f) => f.id === made) ??
          options.fields[entity].find((f) => f.name === name && f.type === 'text');
        if (still) {
          e.fields[key] = { fieldId: still.id, type: still.type, created: true };
          next.createdFields[entity][key] = still.id;
        } else toCreate[entity].push(key);
      } else {
        const f = options.fields[entity].find((x) => x.id === choice.fieldId);
        if (!f) {
          problems.push({
            path: `${at}.fields.${key}`,
            message: `no ${entity} field ${choice.fieldId} in amoCRM`,
          });
        } else if (!compatibleTypes(key).includes(f.type)) {
          problems.push({
            path: `${at}.fields.${key}`,
            message: `field "${f.name}" is of type ${f.type}; choose a ${compatibleTypes(key).join(' / ')} field`,
          });
        } else {
          e.fields[key] = { fieldId: f.id, type: f.type, created: next.createdFields[entity][key] === f.id };
        }
      }
    }
    next.entities[entity] = e;
  }
  if (problems.length > 0) return { ok: false, problems };

  for (const entity of ENTITIES) {
    const wanted = toCreate[entity];
    const e = next.entities[entity];
    if (
      e.enabled &&
      e.create.length > 0 &&
      !options.fields[entity].some((f) => f.id === next.markerFields[entity])
    )
      next.markerFields[entity] =
        options.fields[entity].find((f) => f.name === MARKER_NAME[language] && f.type === 'text')?.id ?? null;
    const needsMarker = e.enabled && e.create.length > 0 && next.markerFields[entity] === null;
    if (wanted.length === 0 && !needsMarker) continue;
    const created = await client.createCustomFields(AMO_ENTITY[entity], [
      ...wanted.map((key) => ({ name: createdName(key, language), type: 'text' as const })),
      ...(needsMarker ? [{ name: MARKER_NAME[language], type: 'text' as const }] : []),
    ]);
    wanted.forEach((key, i) => {
      const f = created[i];
      if (!f) return;
      next.createdFields[entity][key] = f.id;
      e.fields[key] = { fieldId: f.id, type: f.type, created: true };
    });
    if (needsMarker) next.markerFields[entity] = created[wanted.length]?.id ?? null;
  }
  return { ok: true, settings: next };
}
