/**
 * A sync run's context and the outcomes of a lead's deliveries: the states they move to (with a
 * line in the integration log), failures retried or final, holds while the account refuses.
 */
import type PgBoss from 'pg-boss';
import type { Db } from '../../db/connection.js';
import { markDeliveryCreated, noteDeliveriesError, setDeliveriesState } from '../../db/queries/deliveries.js';
import { addIntegrationLog } from '../../db/queries/integration-log.js';
import type { Delivery, DeliveryEntity, Integration, Language, Lead } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import { type AmoClient, AmoError } from './client.js';
import type { AmoDeps } from './connect.js';
import { heldReason, isAccountFailure, pauseReason } from './pause.js';
import type { Entity, StoredSettings } from './settings.js';
import { mappedValues } from './values.js';

export const AMO_QUEUE = 'amocrm-sync';

export interface AmoJob {
  integrationId: string;
  leadId: string;
}

export interface SyncDeps extends AmoDeps {
  logger: Logger;
  boss: PgBoss;
  /** INTEGRATION_PROBE_SECONDS: how often a paused integration's account is asked again */
  probeSeconds: number;
  /** for tests of the search window */
  now?: () => Date;
}

export interface Ctx {
  deps: SyncDeps;
  db: Db;
  row: Integration;
  settings: StoredSettings;
  client: AmoClient;
  tag: string;
  language: Language;
  now: Date;
  /** the job's last attempt: a retryable failure is final now */
  lastAttempt: boolean;
  /** a retryable failure: the whole batch is retried with backoff */
  retry: AmoError | null;
  /** the account refused as a whole: nothing more is sent, the integration pauses */
  paused: AmoError | null;
}

/** A lead and its deliveries by entity, as loaded at the start of the run and kept current. */
export interface Item {
  lead: Lead;
  ds: Map<Entity, Delivery>;
}

/** Still to be created in amoCRM (mode 1, no remote id, neither skipped nor failed). */
export const isDue = (d: Delivery | undefined): d is Delivery =>
  d !== undefined &&
  d.mode === 'create' &&
  d.remote_id === null &&
  d.state !== 'skipped' &&
  d.state !== 'failed';

/** The lead's deliveries still to be created. */
export const dueOf = (ds: Map<Entity, Delivery>): Delivery[] => [...ds.values()].filter(isDue);

export async function log(
  ctx: Ctx,
  leadId: string | null,
  level: 'info' | 'warn' | 'error',
  message: string,
): Promise<void> {
  await addIntegrationLog(ctx.db, {
    projectId: ctx.row.project_id,
    destination: 'amocrm',
    leadId,
    level,
    message,
  });
}

/** Moves the deliveries to a state, with the reason logged (an error when failed, a warning when skipped). */
export async function settle(
  ctx: Ctx,
  ds: Delivery[],
  state: Delivery['state'],
  reason: string | null,
  extra: { last_error?: string | null } = {},
): Promise<void> {
  if (ds.length === 0) return;
  await setDeliveriesState(
    ctx.db,
    ds.map((d) => d.id),
    { state, reason, ...extra },
  );
  for (const d of ds) Object.assign(d, { state, reason, ...extra });
  const level = state === 'failed' ? 'error' : state === 'skipped' ? 'warn' : 'info';
  if (reason)
    await log(ctx, ds[0]?.lead_id ?? null, level, `${ds.map((d) => d.entity).join(', ')}: ${reason}`);
}

/** A failure of one step: retried later if it can pass, else the deliveries fail with amoCRM's reason. */
export async function failed(ctx: Ctx, ds: Delivery[], err: unknown): Promise<void> {
  if (!(err instanceof AmoError)) throw err;
  if (isAccountFailure(err)) {
    ctx.paused ??= err;
    await hold(ctx, ds);
    return;
  }
  if (err.retryable && !ctx.lastAttempt) {
    ctx.retry ??= err;
    await noteDeliveriesError(
      ctx.db,
      ds.map((d) => d.id),
      err.detail,
    );
    return;
  }
  await settle(ctx, ds, 'failed', err.detail, { last_error: err.message });
}

/** Deliveries held back while the account refuses (the integration pauses at the end of the run). */
export async function hold(ctx: Ctx, ds: Delivery[]): Promise<void> {
  const err = ctx.paused;
  const open = ds.filter((d) => d.state !== 'skipped' && d.state !== 'failed' && d.state !== 'done');
  if (!err || open.length === 0) return;
  const next = new Date(ctx.now.getTime() + ctx.deps.probeSeconds * 1000);
  await settle(ctx, open, 'paused', heldReason(pauseReason(err), next));
}

/** The entity exists in amoCRM now: done, or waiting for the visit data its lead still lacks. */
export async function created(
  ctx: Ctx,
  lead: Lead,
  d: Delivery,
  remoteId: number | null,
  entity: DeliveryEntity,
): Promise<void> {
  if (remoteId === null) return;
  const written = JSON.stringify(mappedValues(ctx.settings.entities[entity], lead));
  // Waiting: the lead names a visitor whose visits have not arrived yet; they are added when they do.
  const waits = lead.visitor_id !== null && lead.attributed_at === null;
  const state = waits ? 'waiting' : 'done';
  const reason = waits ? 'created; its visit data is added as soon as it arrives' : null;
  await markDeliveryCreated(ctx.db, d.id, { remoteId, state, reason, syncedParams: written });
  Object.assign(d, { remote_id: remoteId, state, reason, synced_params: written });
  await log(ctx, lead.id, 'info', `${entity} ${remoteId} created`);
}
