import type { Migration } from 'kysely';
import * as m0001 from './0001_accounts.js';
import * as m0002 from './0002_tracking.js';
import * as m0003 from './0003_leads.js';
import * as m0004 from './0004_collect_batch.js';
import * as m0005 from './0005_integrations.js';
import * as m0006 from './0006_email_tracking.js';
import * as m0007 from './0007_alias_binding_ip.js';
import * as m0008 from './0008_password_resets.js';
import * as m0009 from './0009_amocrm_pause.js';
import * as m0010 from './0010_site_changes.js';

/** Listed statically so the bundled server carries its migrations; names sort in apply order. */
export const migrations: Record<string, Migration> = {
  '0001_accounts': m0001,
  '0002_tracking': m0002,
  '0003_leads': m0003,
  '0004_collect_batch': m0004,
  '0005_integrations': m0005,
  '0006_email_tracking': m0006,
  '0007_alias_binding_ip': m0007,
  '0008_password_resets': m0008,
  '0009_amocrm_pause': m0009,
  '0010_site_changes': m0010,
};
