import type { Migration } from 'kysely';
import * as m0001 from './0001_accounts.js';

/** Listed statically so the bundled server carries its migrations; names sort in apply order. */
export const migrations: Record<string, Migration> = {
  '0001_accounts': m0001,
};
