/**
 * An amoCRM account in trouble (API blocked for rate abuse, unpaid, access revoked) refuses every
 * request alike: failing each lead would lose them all. The integration is paused instead: its
 * deliveries wait, one cheap probe asks the account again every INTEGRATION_PROBE_SECONDS for
 * up to three days, and when it answers everything waiting goes out by itself.
 */
import type PgBoss from 'pg-boss';
import type { Db } from '../../db/connection.js';
import {
  findIntegrationById,
  giveUpPause,
  holdDeliveries,
  pauseIntegration,
  resumeIntegration,
  scheduleProbe,
} from '../../db/queries/integrations.js';
import { findProjectName } from '../../db/queries/projects.js';
import type { Logger } from '../../logger.js';
import { type AmoDeps, amoClientFor } from './connect.js';
import { AmoError } from './errors.js';

export const AMO_PROBE_QUEUE = 'amocrm-probe';
/** how long a paused integration is probed before its waiting deliveries fail */
export const PROBE_FOR_MS = 3 * 24 * 3600_000;

export interface ProbeJob {
  integrationId: string;
}

export interface PauseDeps extends AmoDeps {
  boss: PgBoss;
  logger: Logger;
  /** INTEGRATION_PROBE_SECONDS */
  probeSeconds: number;
  now?: () => Date;
}

/** Whether amoCRM refused the account as a whole, so that every other request would fail alike. */
export function isAccountFailure(err: AmoError): boolean {
  return err.kind === 'payment' || err.kind === 'forbidden' || err.kind === 'auth';
}

/** The account's words, with the HTTP status when there was one. */
export function pauseReason(err: AmoError): string {
  return err.status === undefined ? err.detail : `HTTP ${err.status}: ${err.detail}`;
}

/** What the deliveries held back say while they wait. */
export const heldReason = (reason: string, nextProbe: Date) =>
  `waiting: the amoCRM account refuses requests (${reason}); asked again at ${nextProbe.toISOString()}`;

/** Pauses the integration after an account-level refusal and queues its probe. */
export async function pause(
  deps: PauseDeps,
  integrationId: string,
  err: AmoError,
  now: Date = deps.now?.() ?? new Date(),
): Promise<Date> {
  const next = new Date(now.getTime() + deps.probeSeconds * 1000);
  await pauseIntegration(deps.db, integrationId, {
    reason: pauseReason(err),
    status: err.status ?? null,
    now,
    nextProbeAt: next,
    probeUntil: new Date(now.getTime() + PROBE_FOR_MS),
  });
  await sendProbe(deps.boss, integrationId, next);
  deps.logger.warn(
    { integrationId, status: err.status, kind: err.kind },
    'amoCRM account refuses requests: paused',
  );
  return next;
}

/**
 * Holds the leads' open deliveries while the integration is paused and probing. False when it is
 * not (any more): the caller syncs as usual. The row lock orders this against a resume.
 */
export function holdIfPaused(db: Db, integrationId: string, leadIds: string[]): Promise<boolean> {
  return holdDeliveries(db, integrationId, leadIds, heldReason);
}

async function sendProbe(boss: PgBoss, integrationId: string, at: Date): Promise<void> {
  await boss.send(AMO_PROBE_QUEUE, { integrationId } satisfies ProbeJob, {
    singletonKey: integrationId,
    startAfter: at,
  });
}

async function projectTag(db: Db, projectId: string): Promise<string> {
  return (await findProjectName(db, projectId)) ?? 'Leadtrail';
}

/** One probe: a GET of the account. Resumes, waits again, or gives up after three days. */
export async function probe(deps: PauseDeps, job: ProbeJob): Promise<void> {
  const row = await findIntegrationById(deps.db, job.integrationId);
  if (!row || row.next_probe_at === null || row.paused_at === null) return;
  const now = deps.now?.() ?? new Date();
  // A probe queued twice, or early: the one due later is kept.
  if (row.next_probe_at.getTime() > now.getTime() + 1000) {
    await sendProbe(deps.boss, row.id, row.next_probe_at);
    return;
  }
  try {
    const client = amoClientFor(deps, row);
    // An unpaid account still answers reads and refuses writes: its probe is a write that
    // changes nothing (the tag every lead of the project carries already exists).
    if (row.pause_status === 402) await client.addTags('leads', [await projectTag(deps.db, row.project_id)]);
    else await client.account();
  } catch (err) {
    const reason = err instanceof AmoError ? pauseReason(err) : String(err);
    if (row.probe_until && row.probe_until.getTime() <= now.getTime()) {
      const n = await giveUpPause(deps.db, row.id, `amoCRM refused requests for 3 days: ${reason}`);
      deps.logger.warn({ integrationId: row.id, deliveries: n }, 'amoCRM account still refuses: gave up');
      return;
    }
    const next = new Date(now.getTime() + deps.probeSeconds * 1000);
    await scheduleProbe(deps.db, row.id, {
      nextProbeAt: next,
      ...(err instanceof AmoError && isAccountFailure(err) ? { reason, status: err.status ?? null } : {}),
    });
    await sendProbe(deps.boss, row.id, next);
    return;
  }
  const leads = await resumeIntegration(deps.db, row.id);
  deps.logger.info({ integrationId: row.id, leads }, 'amoCRM account answers again: resumed');
}
