import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { AddressGuard } from '../delivery/address-guard.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mailer/transport.js';
import type { Sealer } from '../security/sealed.js';
import type { GeoLookup } from '../tracking/geo.js';

/** What route modules need from the running service; built once at start and passed down. */
export interface AppContext {
  config: Config;
  db: Db;
  logger: Logger;
  /** seals project API keys at rest */
  keySealer: Sealer;
  /** true once migrations are applied; /readyz reports it */
  isMigrated: () => Promise<boolean>;
  /** password-reset and invitation e-mails (disabled without SMTP_URL) */
  mailer: Mailer;
  /** IP → city and country for collected hits */
  geo: GeoLookup;
  /** every outbound connection to a user-given destination goes through it (SSRF) */
  guard: AddressGuard;
}
