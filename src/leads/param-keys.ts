/**
 * The lead parameters of the product spec (section 3), keyed as the API returns them and in the
 * order the cabinet shows them. Pure data: the server and the cabinet both import it.
 */
export const PARAM_KEYS = [
  'sent_at',
  'source',
  'medium',
  'campaign',
  'content',
  'term',
  'social_network',
  'path',
  'city',
  'ip',
  'ga_client_id',
  'ym_client_id',
  'at_client_id',
  'page',
  'browser',
  'country',
  'device',
  'mailbox',
] as const;

export type ParamKey = (typeof PARAM_KEYS)[number];

/** Each parameter's name as users read it (the seed's Russian names), e.g. for fields created in a CRM. */
export const PARAM_LABELS: Record<ParamKey, { ru: string; en: string }> = {
  sent_at: { ru: 'Дата отправки', en: 'Sent at' },
  source: { ru: 'Источник', en: 'Source' },
  medium: { ru: 'Тип трафика', en: 'Traffic type' },
  campaign: { ru: 'Кампания', en: 'Campaign' },
  content: { ru: 'Содержимое объявления', en: 'Ad content' },
  term: { ru: 'Ключевое слово', en: 'Keyword' },
  social_network: { ru: 'Социальная сеть', en: 'Social network' },
  path: { ru: 'Полный путь перехода', en: 'Full path' },
  city: { ru: 'Город', en: 'City' },
  ip: { ru: 'IP адрес', en: 'IP address' },
  ga_client_id: { ru: 'Идентификатор клиента GA', en: 'GA client ID' },
  ym_client_id: { ru: 'Идентификатор клиента YM', en: 'YM client ID' },
  at_client_id: { ru: 'Идентификатор клиента AT', en: 'AT client ID' },
  page: { ru: 'Путь к странице', en: 'Page' },
  browser: { ru: 'Браузер', en: 'Browser' },
  country: { ru: 'Страна', en: 'Country' },
  device: { ru: 'Категория устройства', en: 'Device category' },
  mailbox: { ru: 'Адрес почтового ящика', en: 'Mailbox' },
};
