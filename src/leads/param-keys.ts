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
