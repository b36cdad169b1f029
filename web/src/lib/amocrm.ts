import { isCompatible } from '../../../src/integrations/amocrm/field-types';
import type {
  AmoEntity,
  AmoEntityInput,
  AmoEntitySettings,
  AmoField,
  AmoFieldChoice,
  AmoSettings,
  AmoSettingsInput,
  LeadType,
  ParamKey,
} from '../api/types';
import { PARAM_KEYS } from './leads';

export const AMO_ENTITIES: readonly AmoEntity[] = ['deal', 'contact', 'company'];

export const WINDOW_MIN = 1;
export const WINDOW_MAX = 1440;

export { isCompatible } from '../../../src/integrations/amocrm/field-types';

export const compatibleFields = (fields: readonly AmoField[], param: ParamKey) =>
  fields.filter((f) => isCompatible(param, f.type));

/** A parameter cell's value: "skip", "create" or an existing field's id. */
export type FieldValue = 'skip' | 'create' | `${number}`;

/** One column of the settings table as the form edits it: selects hold strings, '' is "not chosen". */
export interface EntityDraft {
  enabled: boolean;
  create: LeadType[];
  responsibleUserId: string;
  /** `pipelineId:statusId` (deal only) */
  status: string;
  fields: Record<ParamKey, FieldValue>;
}

export interface AmoDraft {
  leadTypes: LeadType[];
  windowMinutes: string;
  entities: Record<AmoEntity, EntityDraft>;
}

export const statusValue = (pipelineId: number | undefined, statusId: number | undefined) =>
  pipelineId === undefined && statusId === undefined ? '' : `${pipelineId ?? ''}:${statusId ?? ''}`;

function entityDraft(e: AmoEntitySettings): EntityDraft {
  const fields = {} as Record<ParamKey, FieldValue>;
  for (const k of PARAM_KEYS) {
    const f = e.fields[k];
    fields[k] = f === undefined || f === 'skip' ? 'skip' : `${f.fieldId}`;
  }
  return {
    enabled: e.enabled,
    create: [...e.create],
    responsibleUserId: e.responsibleUserId === undefined ? '' : String(e.responsibleUserId),
    status: statusValue(e.pipelineId, e.statusId),
    fields,
  };
}

export function toDraft(s: AmoSettings): AmoDraft {
  return {
    leadTypes: [...s.leadTypes],
    windowMinutes: String(s.windowMinutes),
    entities: {
      deal: entityDraft(s.entities.deal),
      contact: entityDraft(s.entities.contact),
      company: entityDraft(s.entities.company),
    },
  };
}

const positive = (s: string | undefined): number | undefined => {
  const n = Number(s);
  return s && Number.isInteger(n) && n > 0 ? n : undefined;
};

function fieldChoice(v: FieldValue): AmoFieldChoice {
  if (v === 'skip' || v === 'create') return v;
  return { fieldId: Number(v) };
}

function entityInput(e: EntityDraft, deal: boolean): AmoEntityInput {
  const out: AmoEntityInput = {
    enabled: e.enabled,
    create: e.create,
    fields: Object.fromEntries(PARAM_KEYS.map((k) => [k, fieldChoice(e.fields[k])])),
  };
  const user = positive(e.responsibleUserId);
  if (user !== undefined) out.responsibleUserId = user;
  if (deal) {
    const [pipeline, status] = e.status.split(':');
    const pipelineId = positive(pipeline);
    const statusId = positive(status);
    if (pipelineId !== undefined) out.pipelineId = pipelineId;
    if (statusId !== undefined) out.statusId = statusId;
  }
  return out;
}

/** The window as the server takes it, or null when it is not a whole number of minutes in range. */
export function parseWindow(text: string): number | null {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n >= WINDOW_MIN && n <= WINDOW_MAX ? n : null;
}

export function toInput(d: AmoDraft, windowMinutes: number): AmoSettingsInput {
  return {
    leadTypes: d.leadTypes,
    windowMinutes,
    entities: {
      deal: entityInput(d.entities.deal, true),
      contact: entityInput(d.entities.contact, false),
      company: entityInput(d.entities.company, false),
    },
  };
}

/**
 * The table cell an error detail belongs to: `body.entities.deal.fields.campaign` → `deal.fields.campaign`,
 * `body.entities.deal.pipelineId` → `deal.status` (one select sets both), `body.leadTypes.0` → `leadTypes`.
 */
export function cellOf(path: string): string {
  const parts = path.replace(/^body\./, '').split('.');
  if (parts[0] !== 'entities' || parts.length < 3) return parts[0] ?? '';
  const [, entity, prop, key] = parts;
  if (prop === 'fields' && key) return `${entity}.fields.${key}`;
  if (prop === 'pipelineId' || prop === 'statusId') return `${entity}.status`;
  return `${entity}.${prop}`;
}

export type CellErrors = Record<string, string[]>;

export function cellErrors(details: unknown): CellErrors {
  const out: CellErrors = {};
  if (!Array.isArray(details)) return out;
  for (const d of details as unknown[]) {
    if (typeof d !== 'object' || d === null) continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const cell = cellOf(path);
    out[cell] = [...(out[cell] ?? []), message];
  }
  return out;
}

/** A stable id for a cell's control (and its error text). */
export const cellId = (cell: string) => `amo-${cell.replace(/\./g, '-')}`;
