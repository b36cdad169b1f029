import type { Db } from '../../db/connection.js';
import type { Integration } from '../../db/schema.js';
import { defaultSettings, type StoredSettings } from './settings.js';

export function findAmoIntegration(db: Db, projectId: string): Promise<Integration | undefined> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('kind', '=', 'amocrm')
    .executeTakeFirst();
}

export function findIntegrationById(db: Db, id: string): Promise<Integration | undefined> {
  return db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Settings as stored, completed with defaults for anything an older row lacks. */
export function storedSettings(row: Pick<Integration, 'settings'> | undefined): StoredSettings {
  const d = defaultSettings();
  const s = (row?.settings ?? {}) as Partial<StoredSettings>;
  return {
    leadTypes: s.leadTypes ?? d.leadTypes,
    windowMinutes: s.windowMinutes ?? d.windowMinutes,
    entities: { ...d.entities, ...s.entities },
    createdFields: { ...d.createdFields, ...s.createdFields },
    markerFields: { ...d.markerFields, ...s.markerFields },
  };
}

export interface ConnectionRow {
  baseUrl: string;
  auth: 'long_lived' | 'oauth';
  clientId: string | null;
  clientSecretEnc: string | null;
  redirectUri: string | null;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  accessExpiresAt: Date | null;
  remoteAccountId: number | null;
}

/** Creates the project's amoCRM integration or replaces its connection (settings are kept). */
export async function saveConnection(db: Db, projectId: string, c: ConnectionRow): Promise<Integration> {
  const values = {
    base_url: c.baseUrl,
    auth: c.auth,
    client_id: c.clientId,
    client_secret_enc: c.clientSecretEnc,
    redirect_uri: c.redirectUri,
    access_token_enc: c.accessTokenEnc,
    refresh_token_enc: c.refreshTokenEnc,
    access_expires_at: c.accessExpiresAt,
    remote_account_id: c.remoteAccountId,
    tokens_refreshed_at: c.refreshTokenEnc ? new Date() : null,
    updated_at: new Date(),
  };
  return db
    .insertInto('integrations')
    .values({
      project_id: projectId,
      kind: 'amocrm',
      settings: JSON.stringify(defaultSettings()),
      ...values,
    })
    .onConflict((oc) => oc.columns(['project_id', 'kind']).doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function saveSettings(db: Db, id: string, settings: StoredSettings): Promise<Integration> {
  return db
    .updateTable('integrations')
    .set({ settings: JSON.stringify(settings), updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteAmoIntegration(db: Db, projectId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('integrations')
    .where('project_id', '=', projectId)
    .where('kind', '=', 'amocrm')
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Has tokens (an OAuth connection has none until the user allows access). */
export const isConnected = (row: Integration | undefined): boolean => Boolean(row?.access_token_enc);
