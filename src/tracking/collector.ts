import { Histogram, type Registry } from 'prom-client';
import type { Db } from '../db/connection.js';
import type { Logger } from '../logger.js';
import type { GeoLookup } from './geo.js';
import { leadsFromEvents } from './lead-events.js';
import { createPipeline } from './pipeline.js';
import type { SiteDirectory } from './sites.js';
import { EventWriter } from './writer.js';

/** The collector's parts for one process: the pipeline and the group-commit writer, with metrics. */
export function createCollector(deps: {
  db: Db;
  logger: Logger;
  geo: GeoLookup;
  registry: Registry;
  /** site key → project, shared with the other tracker endpoints (one cache) */
  sites: SiteDirectory;
}) {
  const batchSize = new Histogram({
    name: 'leadtrail_collect_batch_events',
    help: 'Events written per collector transaction (group commit)',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
    registers: [deps.registry],
  });
  // Every hit of a batch waits for its write (the commit's WAL flush included): this is where a
  // slow disk shows up in /collect's latency.
  const batchSeconds = new Histogram({
    name: 'leadtrail_collect_batch_seconds',
    help: 'Time to write one collector batch, commit included',
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [deps.registry],
  });
  const writer = new EventWriter(deps.db, deps.logger.child({ component: 'collector' }), {
    afterWrite: leadsFromEvents,
    onBatch: (n, seconds) => {
      batchSize.observe(n);
      batchSeconds.observe(seconds);
    },
  });
  const pipeline = createPipeline({
    sites: deps.sites,
    geo: deps.geo,
    registry: deps.registry,
  });
  return { pipeline, writer };
}
