import type { Db } from '../db/connection.js';
import { AMO_PROBE_QUEUE, type ProbeJob, probe } from '../integrations/amocrm/pause.js';
import { AMO_QUEUE, type AmoJob, amoJobs, syncAmoJobs } from '../integrations/amocrm/sync.js';
import { AMO_TOKEN_PURPOSE } from '../integrations/amocrm/token-store.js';
import type { Logger } from '../logger.js';
import { Sealer } from '../security/sealed.js';
import { startDispatcher } from './dispatcher.js';
import { startJobs } from './jobs.js';

export interface DeliveryWorkerOptions {
  secretKey: string;
  retryDelaySeconds: number;
  /** a job silent this long belonged to a process that died (amoCRM answers within seconds) */
  jobTimeoutSeconds: number;
  /** how often a paused integration's account is asked again (INTEGRATION_PROBE_SECONDS) */
  probeSeconds: number;
  /** the address guard's fetch (tests may point integrations at fakes with their own) */
  fetch: typeof fetch;
}

/**
 * The outbound side of the worker role: lead events become jobs, jobs become requests to the
 * integrations. Up to 50 jobs are taken at once so creations can be batched.
 */
export async function startDeliveryWorker(
  db: Db,
  logger: Logger,
  opts: DeliveryWorkerOptions,
): Promise<{ stop(): Promise<void> }> {
  const boss = await startJobs(db, logger, [
    {
      name: AMO_QUEUE,
      retryLimit: 8,
      retryDelaySeconds: opts.retryDelaySeconds,
      expireInSeconds: opts.jobTimeoutSeconds,
    },
    // A probe that failed is followed by the next one it queues, not by a retry.
    { name: AMO_PROBE_QUEUE, retryLimit: 0, retryDelaySeconds: 1, expireInSeconds: opts.jobTimeoutSeconds },
  ]);
  const deps = {
    db,
    logger,
    boss,
    tokenSealer: new Sealer(opts.secretKey, AMO_TOKEN_PURPOSE),
    fetch: opts.fetch,
    probeSeconds: opts.probeSeconds,
  };
  const workerId = await boss.work<AmoJob>(
    AMO_QUEUE,
    { batchSize: 50, pollingIntervalSeconds: 0.5, includeMetadata: true },
    async (jobs) => {
      try {
        await syncAmoJobs(deps, jobs);
      } catch (err) {
        logger.warn(
          { err: err instanceof Error ? err.message : String(err), jobs: jobs.length },
          'amoCRM sync will be retried',
        );
        throw err;
      }
    },
  );
  await boss.work<ProbeJob>(AMO_PROBE_QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (job) await probe(deps, job.data);
  });
  // A job sent by this process is started at once, not at the next poll.
  const dispatcher = startDispatcher(db, boss, logger, amoJobs, () => boss.notifyWorker(workerId));
  return {
    async stop() {
      await dispatcher.stop();
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
