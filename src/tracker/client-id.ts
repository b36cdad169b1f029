import { getCookie, setCookie } from './cookies';
import { guard, rid, store } from './util';

const valid = (s: string | null | undefined): string => (s && /^[\w.-]{16,64}$/.test(s) ? s : '');

/**
 * The AT client id: cookie _lt_id mirrored in localStorage _lt_id. Either copy restores the other;
 * the cookie's expiry is pushed a year ahead on every page load.
 */
export const clientId = (): string => {
  const id = valid(getCookie('_lt_id')) || valid(store('_lt_id')) || rid();
  guard(setCookie)('_lt_id', id);
  store('_lt_id', id);
  return id;
};
