import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import { type Db, poolOf } from '../db/connection.js';
import type { Logger } from '../logger.js';

/** pg-boss's view of a connection: our pool, or the transaction a job is sent in. */
export function bossDb(db: Db): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const r = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: r.rows as unknown[] as never[] };
    },
  };
}

export interface QueueSpec {
  name: string;
  /** attempts after the first, with exponential backoff (pg-boss adds jitter) */
  retryLimit: number;
  retryDelaySeconds: number;
  /** a job whose process died is retried after this long */
  expireInSeconds: number;
}

/**
 * Jobs over PostgreSQL (pg-boss): durable, retried with backoff, and a job whose worker died is
 * picked up again once it expires. Uses the service's own pool.
 */
export async function startJobs(db: Db, logger: Logger, queues: QueueSpec[]): Promise<PgBoss> {
  const pool = poolOf(db);
  // Expired jobs are found by pg-boss's maintenance, every 2 minutes by default: looked for at a
  // quarter of the shortest expiry, a dead process's job runs again within 1.25 × its timeout.
  const shortest = Math.min(...queues.map((q) => q.expireInSeconds));
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
    schema: 'pgboss',
    // our own housekeeping runs elsewhere; pg-boss keeps its tables tidy itself
    supervise: true,
    maintenanceIntervalSeconds: Math.max(1, Math.min(120, Math.round(shortest / 4))),
    schedule: false,
  });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  await boss.start();
  for (const q of queues) {
    const options = {
      name: q.name,
      policy: 'stately' as const,
      retryLimit: q.retryLimit,
      retryDelay: q.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: q.expireInSeconds,
    };
    if (await boss.getQueue(q.name)) await boss.updateQueue(q.name, options);
    else await boss.createQueue(q.name, options);
  }
  return boss;
}
