import type PgBoss from 'pg-boss';
import type { Db } from '../db/connection.js';
import { subscribe } from '../db/listen.js';
import { claimLeadEvents, startQueuedJobNow } from '../db/queries/outbox.js';
import type { Logger } from '../logger.js';
import { bossDb } from './jobs.js';

export interface LeadEvent {
  id: number;
  project_id: string;
  lead_id: string;
  type: 'lead.created' | 'lead.attributed' | 'lead.retry';
}

export interface Job {
  queue: string;
  data: object;
  /** one queued job per key at a time (pg-boss "stately" queues): the job reads the latest state */
  singletonKey: string;
}

/** Which jobs a batch of lead events starts (every outbound integration contributes). */
export type Route = (trx: Db, events: LeadEvent[]) => Promise<Job[]>;

const POLL_MS = 1_000;
const BATCH = 200;

/**
 * Turns the lead outbox (lead_events, written in the lead's own transaction) into jobs, in the
 * same transaction that marks the events dispatched: an event becomes its jobs exactly once,
 * even when the process dies halfway. A NOTIFY from the outbox wakes it at once; polling is the
 * fallback for a lost connection.
 */
export function startDispatcher(
  db: Db,
  boss: PgBoss,
  logger: Logger,
  route: Route,
  onJobs?: (queues: Set<string>) => void,
): { stop(): Promise<void>; runOnce(): Promise<number> } {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  async function runOnce(): Promise<number> {
    const queues = new Set<string>();
    const n = await db.transaction().execute(async (trx) => {
      const events = await claimLeadEvents(trx, BATCH);
      if (events.length === 0) return 0;
      const jobs = await route(
        trx,
        events.map((e) => ({ ...e, id: Number(e.id) })),
      );
      for (const j of jobs) {
        const id = await boss.send(j.queue, j.data, { singletonKey: j.singletonKey, db: bossDb(trx) });
        // A job for the same key is already queued, maybe for later (a search that looks again
        // in minutes): news about the lead makes it run now instead of sending a second one.
        if (id === null) await startQueuedJobNow(trx, j.queue, j.singletonKey);
        queues.add(j.queue);
      }
      return events.length;
    });
    if (queues.size > 0) onJobs?.(queues);
    return n;
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while ((await runOnce()) === BATCH) {
            // a full batch: there may be more
          }
        } while (again && !stopped);
      } catch (err) {
        logger.error({ err }, 'dispatching lead events failed; retrying');
      } finally {
        running = null;
      }
    })();
  }

  const schedule = () => {
    timer = setTimeout(() => {
      kick();
      if (!stopped) schedule();
    }, POLL_MS);
    timer.unref();
  };

  // The outbox's trigger announces new events; after a reconnect, whatever came meanwhile is read.
  const listener = subscribe(db, {
    channel: 'lead_events',
    applicationName: 'leadtrail outbox',
    logger,
    lostMessage: 'outbox listener connection lost; polling until it is back',
    onNotification: kick,
    onListening: kick,
  });
  schedule();
  kick();

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await listener.close();
    },
  };
}
