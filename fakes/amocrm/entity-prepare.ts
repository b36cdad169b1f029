/** One lead, contact or company item checked for create or update, with its write deferred until all pass. */
import { applyCfUpdates, type CfUpdate, parseCustomFieldsValues } from './cf-values.js';
import { addLink } from './links.js';
import type { FakeAmoState } from './state.js';
import { applyTagPlan, planTags } from './tags.js';
import type { AnyEntity, Company, Contact, EntityType, FieldError, Lead } from './types.js';
import { isInt, isObject } from './types.js';

export interface PrepareOptions {
  /** error path prefix (complex: `_embedded.contacts.0.`) */
  prefix?: string;
  /** complex with `_embedded.metadata`: the lead goes to the pipeline's Unsorted status */
  unsorted?: boolean;
  /** lead create: link `_embedded.contacts` / `_embedded.companies` given by id */
  linkEmbedded?: boolean;
}

export interface Prepared<T extends AnyEntity = AnyEntity> {
  errors: FieldError[];
  /** applies the write; only call when errors is empty */
  apply: () => T;
}

/** Validates one item for create (existing undefined) or update, returning a deferred apply. */
export function prepareEntity(
  state: FakeAmoState,
  type: EntityType,
  item: Record<string, unknown>,
  userId: number,
  existing: AnyEntity | undefined,
  opts: PrepareOptions = {},
): Prepared {
  const errors: FieldError[] = [];
  const p = opts.prefix ?? '';
  const e = (code: string, path: string, detail: string) =>
    errors.push({ code, path: `${p}${path}`, detail });

  const str = (key: string): string | undefined => {
    const v = item[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      e('InvalidType', key, 'This value should be of type string.');
      return undefined;
    }
    return v;
  };
  const int = (key: string): number | undefined => {
    const v = item[key];
    if (v === undefined || v === null) return undefined;
    if (!isInt(v)) {
      e('InvalidType', key, 'This value should be of type int.');
      return undefined;
    }
    return v;
  };

  const name = str('name');
  const responsible = int('responsible_user_id');
  if (responsible !== undefined && !state.user(responsible)) {
    e('NotSupportedChoice', 'responsible_user_id', 'The value you selected is not a valid choice.');
  }
  const createdAt = int('created_at');
  const updatedAt = int('updated_at');
  const createdBy = int('created_by');
  const updatedBy = int('updated_by');
  for (const [k, v] of [
    ['created_by', createdBy],
    ['updated_by', updatedBy],
  ] as const) {
    if (v !== undefined && v !== 0 && !state.user(v))
      e('NotSupportedChoice', k, 'The value you selected is not a valid choice.');
  }

  const cf = parseCustomFieldsValues(
    state.customFieldsByEntity[type],
    item.custom_fields_values,
    'custom_fields_values',
  );
  for (const x of cf.errors) errors.push({ ...x, path: `${p}${x.path}` });
  const tagErrors: FieldError[] = [];
  const tagPlan = planTags(state, type, item, tagErrors);
  for (const x of tagErrors) errors.push({ ...x, path: `${p}${x.path}` });

  // lead-only
  let price: number | undefined;
  let pipelineId: number | undefined;
  let statusId: number | undefined;
  let closedAt: number | undefined;
  let lossReason: number | null | undefined;
  const contactRefs: { id: number; isMain: boolean | undefined }[] = [];
  let companyRef: number | undefined;
  if (type === 'leads') {
    price = int('price');
    if (price !== undefined && price < 0)
      e('GreaterThanOrEqual', 'price', 'This value should be greater than or equal to 0.');
    closedAt = int('closed_at');
    lossReason = item.loss_reason_id === null ? null : int('loss_reason_id');
    const lead = existing as Lead | undefined;
    const reqPipeline = int('pipeline_id');
    const reqStatus = int('status_id');
    pipelineId = reqPipeline ?? lead?.pipeline_id;
    let pipeline = pipelineId === undefined ? undefined : state.pipelines.find((x) => x.id === pipelineId);
    if (reqPipeline !== undefined && !pipeline) {
      e('NotSupportedChoice', 'pipeline_id', 'The value you selected is not a valid choice.');
    }
    if (reqStatus !== undefined) {
      if (reqStatus === 142 || reqStatus === 143) {
        pipeline ??= state.mainPipeline();
      } else {
        const owner = state.pipelines.find((x) => x.statuses.some((s) => s.id === reqStatus));
        if (!owner || (reqPipeline !== undefined && owner.id !== reqPipeline)) {
          e('NotSupportedChoice', 'status_id', 'The value you selected is not a valid choice.');
        } else {
          pipeline = owner;
          const st = owner.statuses.find((s) => s.id === reqStatus);
          if (st?.type === 1 && !opts.unsorted) {
            e(
              'NotSupportedChoice',
              'status_id',
              'A lead cannot be put into the Unsorted status through this method.',
            );
          }
        }
      }
      statusId = reqStatus;
    }
    pipeline ??= state.mainPipeline();
    pipelineId = pipeline.id;
    if (opts.unsorted) statusId = pipeline.statuses.find((s) => s.type === 1)?.id;
    else if (statusId === undefined && (!lead || lead.pipeline_id !== pipelineId)) {
      statusId = pipeline.statuses.find((s) => s.type === 0 && s.id !== 142 && s.id !== 143)?.id;
    }
    const emb = item._embedded;
    if (opts.linkEmbedded && isObject(emb)) {
      if (Array.isArray(emb.contacts)) {
        emb.contacts.forEach((c, i) => {
          if (isObject(c) && isInt(c.id) && state.entity('contacts', c.id)) {
            contactRefs.push({ id: c.id, isMain: typeof c.is_main === 'boolean' ? c.is_main : undefined });
          } else e('NotSupportedChoice', `_embedded.contacts.${i}.id`, 'Contact not found.');
        });
      }
      if (Array.isArray(emb.companies)) {
        if (emb.companies.length > 1) e('Count', '_embedded.companies', 'A lead can have only one company.');
        const c = emb.companies[0];
        if (c !== undefined) {
          if (isObject(c) && isInt(c.id) && state.entity('companies', c.id)) companyRef = c.id;
          else e('NotSupportedChoice', '_embedded.companies.0.id', 'Company not found.');
        }
      }
    }
  }
  const firstName = type === 'contacts' ? str('first_name') : undefined;
  const lastName = type === 'contacts' ? str('last_name') : undefined;

  const apply = (): AnyEntity => {
    const now = state.now();
    const cfUpdates: CfUpdate[] = cf.updates;
    if (existing) {
      if (name !== undefined) existing.name = name;
      if (responsible !== undefined) existing.responsible_user_id = responsible;
      existing.custom_fields = applyCfUpdates(existing.custom_fields, cfUpdates);
      existing.tag_ids = applyTagPlan(state, type, existing.tag_ids, tagPlan);
      if (createdAt !== undefined) existing.created_at = createdAt;
      existing.updated_by = updatedBy ?? userId;
      existing.updated_at = updatedAt ?? Math.max(now, existing.updated_at);
      if (type === 'leads') {
        const lead = existing as Lead;
        if (price !== undefined) lead.price = price;
        if (pipelineId !== undefined) lead.pipeline_id = pipelineId;
        if (statusId !== undefined) lead.status_id = statusId;
        if (lossReason !== undefined) lead.loss_reason_id = lossReason;
        const closed = lead.status_id === 142 || lead.status_id === 143;
        lead.closed_at = closedAt ?? (closed ? (lead.closed_at ?? now) : null);
      }
      if (type === 'contacts') {
        const c = existing as Contact;
        if (firstName !== undefined) c.first_name = firstName;
        if (lastName !== undefined) c.last_name = lastName;
        if (name === undefined && (firstName !== undefined || lastName !== undefined)) {
          c.name = [c.first_name, c.last_name].filter((s) => s !== '').join(' ');
        }
      }
      return existing;
    }
    const kind = type === 'leads' ? 'lead' : type === 'contacts' ? 'contact' : 'company';
    const id = state.nextId(kind);
    const base = {
      id,
      name: name ?? '',
      responsible_user_id: responsible ?? userId,
      group_id: 0,
      created_by: createdBy ?? userId,
      updated_by: updatedBy ?? createdBy ?? userId,
      created_at: createdAt ?? now,
      updated_at: updatedAt ?? createdAt ?? now,
      closest_task_at: null,
      is_deleted: false,
      custom_fields: applyCfUpdates([], cfUpdates),
      tag_ids: applyTagPlan(state, type, [], tagPlan),
    };
    if (type === 'leads') {
      const closed = statusId === 142 || statusId === 143;
      const lead: Lead = {
        ...base,
        name: name ?? `Сделка #${id}`,
        price: price ?? 0,
        status_id: statusId!,
        pipeline_id: pipelineId!,
        loss_reason_id: lossReason ?? null,
        source_id: null,
        closed_at: closedAt ?? (closed ? now : null),
        score: null,
        labor_cost: null,
      };
      state.entities.leads.set(id, lead);
      for (const c of contactRefs) addLink(state, 'leads', id, 'contacts', c.id, c.isMain);
      if (companyRef !== undefined) addLink(state, 'leads', id, 'companies', companyRef);
      return lead;
    }
    if (type === 'contacts') {
      const first = firstName ?? '';
      const last = lastName ?? '';
      const contact: Contact = {
        ...base,
        name: name ?? ([first, last].filter((s) => s !== '').join(' ') || `Контакт #${id}`),
        first_name: first,
        last_name: last,
      };
      state.entities.contacts.set(id, contact);
      return contact;
    }
    const company: Company = { ...base, name: name ?? `Компания #${id}` };
    state.entities.companies.set(id, company);
    return company;
  };
  return { errors, apply };
}
