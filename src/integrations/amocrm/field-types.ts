import type { ParamKey } from '../../leads/param-keys.js';

/**
 * Which amoCRM field types a parameter can be written to: text-like fields take any parameter,
 * date fields also take the lead's time. Pure data: the server checks settings with it and the
 * cabinet offers only these fields.
 */
const TEXT_TYPES = ['text', 'textarea', 'url', 'streetaddress', 'tracking_data'];
const DATE_TYPES = ['date', 'date_time'];

export const compatibleTypes = (param: ParamKey): string[] =>
  param === 'sent_at' ? [...TEXT_TYPES, ...DATE_TYPES] : TEXT_TYPES;

export const isCompatible = (param: ParamKey, type: string): boolean => compatibleTypes(param).includes(type);
