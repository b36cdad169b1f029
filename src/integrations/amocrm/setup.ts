/** What the cabinet does with a project's amoCRM integration: connect, save the settings, load the options. */
import {
  findIntegration,
  findIntegrationById,
  resumeIntegration,
  saveIntegrationSettings,
} from '../../db/queries/integrations.js';
import type { Integration, Language } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { AmoClient } from './client.js';
import { type AmoOptions, configure, loadOptions } from './configure.js';
import { amoClientFor, amoClientWithToken, isConnected, saveConnection } from './connect.js';
import { connectOAuth, type OAuthDeps, startAuthorization } from './oauth-flow.js';
import { accountBaseUrl, type SettingsBody, storedSettings } from './settings.js';

/** The integration as saved, and where the user allows access while an OAuth connection waits for it. */
export interface Saved {
  row: Integration | undefined;
  authorizeUrl?: string;
}

/**
 * Connects (a long-lived token, or an OAuth client id and secret that then wait for access) and
 * saves the settings. The settings are checked (and fields created) with the connection they will
 * use; a new long-lived token is tried first and stored only together with settings that passed.
 * Throws amoCRM's refusals as AmoError, everything else as AppError.
 */
export async function saveIntegration(
  deps: OAuthDeps,
  projectId: string,
  body: SettingsBody,
  language: Language,
): Promise<Saved> {
  const row = await findIntegration(deps.db, projectId, 'amocrm');
  const wantsEntities = Object.values(body.entities).some((e) => e !== undefined);
  const c = body.connection;
  if (c?.baseUrl && !deps.allowCustomHosts)
    throw new AppError(422, 'custom_host_not_allowed', {}, [
      { path: 'body.connection.baseUrl', message: 'custom hosts are disabled on this server' },
    ]);
  if (c && 'clientId' in c) {
    if (wantsEntities)
      throw new AppError(409, 'amocrm_not_connected', {}, [
        {
          path: 'body.entities',
          message: 'save the OAuth connection alone, allow access in amoCRM, then save the settings',
        },
      ]);
    return connectOAuth(deps, projectId, c);
  }
  if (!c && !isConnected(row)) {
    if (row?.auth === 'oauth' && !wantsEntities)
      return { row, authorizeUrl: await startAuthorization(deps, row) };
    throw new AppError(409, 'amocrm_not_connected');
  }

  const client: AmoClient = c
    ? amoClientWithToken(deps, accountBaseUrl(c), c.longLivedToken)
    : amoClientFor(deps, row as Integration);
  const account = c ? await client.account() : null;
  const result = await configure(client, storedSettings(row), body, language);
  if (!result.ok) throw new AppError(422, 'amocrm_settings_invalid', {}, result.problems);
  const saved = await deps.db.transaction().execute(async (trx) => {
    const target =
      c && account
        ? await saveConnection(trx, projectId, {
            baseUrl: accountBaseUrl(c),
            auth: 'long_lived',
            clientId: null,
            clientSecretEnc: null,
            redirectUri: null,
            accessTokenEnc: deps.tokenSealer.seal(c.longLivedToken),
            refreshTokenEnc: null,
            accessExpiresAt: null,
            remoteAccountId: account.id,
          })
        : (row as Integration);
    return saveIntegrationSettings(trx, target.id, result.settings);
  });
  // A new token that works: whatever waited for the account goes out now.
  if (c && saved.paused_at) {
    await resumeIntegration(deps.db, saved.id);
    return { row: await findIntegrationById(deps.db, saved.id) };
  }
  return { row: saved };
}

/** The account's users, pipelines and fields, loaded live; 409 while it is not connected. */
export async function accountOptions(deps: OAuthDeps, projectId: string): Promise<AmoOptions> {
  const row = await findIntegration(deps.db, projectId, 'amocrm');
  if (!row || !isConnected(row)) throw new AppError(409, 'amocrm_not_connected');
  return loadOptions(amoClientFor(deps, row));
}
