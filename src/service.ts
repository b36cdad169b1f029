import type { FastifyInstance } from 'fastify';
import type { Config, Role } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import { createAddressGuard } from './delivery/address-guard.js';
import { startDeliveryWorker } from './delivery/delivery-worker.js';
import { leadFromEmail } from './email/intake.js';
import { startMailboxPollers } from './email/pollers.js';
import { startHousekeeping } from './housekeeping/housekeeping.js';
import { buildApp } from './http/app.js';
import type { AppContext } from './http/context.js';
import { serveMetrics } from './http/metrics.js';
import { AMO_TOKEN_PURPOSE } from './integrations/amocrm/token-store.js';
import type { Logger } from './logger.js';
import { createMailer } from './mailer/transport.js';
import { Sealer } from './security/sealed.js';
import { openGeoDatabase } from './tracking/geo.js';
import { ensureUpcomingPartitions } from './tracking/partitions.js';

export interface RunningService {
  /** the HTTP address when the role serves HTTP */
  url: string | null;
  /** the metrics listener's address when METRICS_PORT is set */
  metricsUrl: string | null;
  app: FastifyInstance | null;
  stop(): Promise<void>;
}

/**
 * Starts the service in the given role: database (embedded unless DATABASE_URL), migrations,
 * then HTTP and/or the worker. `stop` drains HTTP first and stops the database last.
 */
export async function startService(
  config: Config,
  logger: Logger,
  role: Role = 'all',
): Promise<RunningService> {
  const startedAt = Date.now();
  if (config.secretKeyGenerated) {
    logger.warn(
      { file: `${config.dataDir}/secret.key` },
      'SECRET_KEY was not set: generated one into the data directory. Back it up with the data; set SECRET_KEY in production',
    );
  }
  const database = await openDatabase(config, logger, { shareRunning: false });
  const stops: Array<() => Promise<void>> = [database.close];
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    await ensureUpcomingPartitions(database.db);

    const mailer = createMailer(
      { url: config.smtpUrl, from: config.smtpFrom },
      logger.child({ component: 'mail' }),
    );
    stops.unshift(async () => mailer.close());
    const guard = createAddressGuard({ allowPrivate: config.allowCustomIntegrationHosts });
    const ctx: Omit<AppContext, 'geo'> = {
      config,
      db: database.db,
      logger,
      guard,
      keySealer: new Sealer(config.secretKey, 'project-api-key'),
      mailer,
      isMigrated: async () => (await pendingMigrations(database.db)).length === 0,
    };

    if (role === 'all' || role === 'worker') {
      const housekeeping = startHousekeeping(database.db, logger.child({ component: 'worker' }), {
        tokenSealer: new Sealer(config.secretKey, AMO_TOKEN_PURPOSE),
        fetch: guard.fetch,
      });
      stops.unshift(housekeeping.stop);
      const delivery = await startDeliveryWorker(database.db, logger.child({ component: 'delivery' }), {
        secretKey: config.secretKey,
        retryDelaySeconds: config.deliveryRetrySeconds,
        jobTimeoutSeconds: config.deliveryJobTimeoutSeconds,
        fetch: guard.fetch,
        probeSeconds: config.integrationProbeSeconds,
      });
      stops.unshift(delivery.stop);
      const mail = startMailboxPollers(database.db, logger.child({ component: 'email' }), {
        secretKey: config.secretKey,
        guard,
        onMessage: (m) => leadFromEmail(database.db, m),
      });
      stops.unshift(mail.stop);
    }
    let app: FastifyInstance | null = null;
    let url: string | null = null;
    let metricsUrl: string | null = null;
    if (role === 'all' || role === 'api') {
      const geo = await openGeoDatabase({ dataDir: config.dataDir, dbPath: config.geoipDbPath });
      const built = await buildApp({ ...ctx, geo });
      app = built.app;
      url = await app.listen({ port: config.port, host: config.host });
      stops.unshift(async () => {
        await built.app.close();
        if (!(await built.drained(10_000)))
          logger.warn('requests still running after 10 s; closing the database anyway');
      });
      if (config.metrics.port !== undefined) {
        const listener = await serveMetrics(built.metrics, config.metrics);
        metricsUrl = listener.url;
        stops.unshift(listener.close);
      }
    }
    logger.info(
      { role, url, metricsUrl, publicUrl: config.publicUrl, ms: Date.now() - startedAt },
      'Leadtrail is ready',
    );
    return { url, metricsUrl, app, stop: () => runStops(stops) };
  } catch (err) {
    await runStops(stops).catch(() => undefined);
    throw err;
  }
}

async function runStops(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops.splice(0)) await stop();
}
