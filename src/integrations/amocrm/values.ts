import type { Lead } from '../../db/schema.js';
import type { ParamKey } from '../../leads/param-keys.js';
import { type AmoCfInput, fieldValue } from './client.js';
import type { StoredEntity } from './settings.js';

/** amoCRM text fields hold 256 characters; a longer path is cut rather than refused. */
const TEXT_LIMIT = 256;

/** The lead's value of a parameter, as text ("sent_at" is when the lead happened). */
export function paramValue(lead: Lead, key: ParamKey): string | null {
  if (key === 'sent_at') return lead.occurred_at.toISOString();
  const v: string | null | undefined = lead.params[key];
  return v === undefined || v === null || v === '' ? null : v;
}

/** The mapped parameters this lead has a value for, written the way each field's type takes them. */
export function mappedValues(entity: StoredEntity, lead: Lead): AmoCfInput[] {
  const out: AmoCfInput[] = [];
  for (const [key, choice] of Object.entries(entity.fields) as Array<
    [ParamKey, StoredEntity['fields'][ParamKey]]
  >) {
    if (!choice || choice === 'skip') continue;
    const v = paramValue(lead, key);
    if (v === null) continue;
    if (choice.type === 'date' || choice.type === 'date_time')
      out.push(fieldValue(choice.fieldId, Math.floor(new Date(v).getTime() / 1000)));
    else out.push(fieldValue(choice.fieldId, v.length > TEXT_LIMIT ? `${v.slice(0, TEXT_LIMIT - 1)}…` : v));
  }
  return out.sort((a, b) => (a.field_id ?? 0) - (b.field_id ?? 0));
}

const TYPE_NAMES = {
  ru: { form: 'Заявка с сайта', phone: 'Звонок', chat: 'Чат', email: 'Письмо', offline: 'Офлайн-заявка' },
  en: { form: 'Website form', phone: 'Call', chat: 'Chat', email: 'E-mail', offline: 'Offline lead' },
} as const;

/** The deal's name: the lead's subject, else its kind and who sent it. */
export function dealName(lead: Lead, language: 'ru' | 'en'): string {
  if (lead.subject) return lead.subject.slice(0, 255);
  const who = lead.name ?? lead.email ?? lead.phone;
  return `${TYPE_NAMES[language][lead.type]}${who ? `: ${who}` : ''}`.slice(0, 255);
}

/** The contact's name: the person's name, else how they can be reached. */
export function contactName(lead: Lead): string {
  return (lead.name ?? lead.email ?? lead.phone ?? 'Leadtrail').slice(0, 255);
}
