import { type Db, dbOnClient, poolOf } from '../db/connection.js';
import { collectBatch } from '../db/queries/hits.js';
import { isDataException } from '../db/sqlstate.js';
import type { Logger } from '../logger.js';
import type { EnrichedEvent } from './events.js';
import { ensureHitsPartition } from './partitions.js';
import { isDirect, sourceKey, VISIT_IDLE_MS } from './sessionise.js';
import { DIRECT } from './traffic-source.js';

export class BufferFullError extends Error {
  constructor() {
    super('collector buffer full');
  }
}

/** The event's own values cannot be stored: writing it again would fail again (not back-pressure). */
export class EventDataError extends Error {
  constructor(cause: unknown) {
    super('collected event holds values the database refuses', { cause });
  }
}

/** Runs inside the batch transaction for the new events, when the batch has leads or new visitors. */
export type AfterWrite = (
  trx: Db,
  events: EnrichedEvent[],
  newVisitors: ReadonlySet<string>,
) => Promise<void>;

interface Pending {
  event: EnrichedEvent;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Options {
  maxBatch: number;
  maxBuffered: number;
  /** batches written at once, each on its own connection (visitor locks keep them consistent) */
  concurrency: number;
  afterWrite?: AfterWrite;
  /** called after each committed batch with its size and how long its write took (metrics) */
  onBatch?: (size: number, seconds: number) => void;
}

/**
 * Group commit for collected events: requests wait while their events are written together in
 * one transaction, so throughput grows with load instead of one commit per hit. A request is
 * acknowledged only after its batch has committed; when too much is waiting, new events are
 * refused (the collector answers 503 and the tracker retries) rather than dropped.
 */
export class EventWriter {
  #queue: Pending[] = [];
  #active = 0;
  readonly #opts: Options;
  /** committed batches and events since start, to see group commit at work */
  readonly stats = { batches: 0, events: 0 };

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    opts: Partial<Options> = {},
  ) {
    this.#opts = { maxBatch: 500, maxBuffered: 10_000, concurrency: 2, ...opts };
  }

  submit(event: EnrichedEvent): Promise<void> {
    if (this.#queue.length >= this.#opts.maxBuffered) return Promise.reject(new BufferFullError());
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#pump();
    });
  }

  /** Starts batches while there is work and a free slot; what arrives meanwhile forms the next batch. */
  #pump(): void {
    while (this.#active < this.#opts.concurrency && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#opts.maxBatch);
      this.#active++;
      void this.#writeBatch(batch).finally(() => {
        this.#active--;
        this.#pump();
      });
    }
  }

  async #writeBatch(batch: Pending[]): Promise<void> {
    const started = performance.now();
    try {
      await writeEvents(
        this.db,
        batch.map((p) => p.event),
        this.#opts.afterWrite,
      );
      this.stats.batches++;
      this.stats.events += batch.length;
      this.#opts.onBatch?.(batch.length, (performance.now() - started) / 1000);
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) {
        if (isDataException(err)) {
          this.logger.warn({ err }, 'collected event dropped: its values cannot be stored');
          batch[0]?.reject(new EventDataError(err));
          return;
        }
        this.logger.error({ err }, 'collected event could not be written');
        batch[0]?.reject(err);
        return;
      }
      // One bad event must not fail its neighbours: retry each on its own.
      this.logger.warn({ err, events: batch.length }, 'batch write failed; retrying events one by one');
      for (const p of batch) await this.#writeBatch([p]);
    }
  }
}

/** When this process last stamped each project's last_hit_at. */
const lastHitWritten = new Map<string, number>();

/** SQLSTATE the batch function raises when a new visitor has leads waiting (see 0004_collect_batch). */
const LEADS_WAITING = 'LT001';

const IDLE = `${VISIT_IDLE_MS / 1000} seconds`;

/** One event as the batch function reads it (the `collect_event` type of 0004_collect_batch). */
function batchRow(e: EnrichedEvent, n: number) {
  const touch = e.traffic.kind === 'touch' ? e.traffic.touch : null;
  const visit = touch ?? DIRECT;
  return {
    n,
    p: e.projectId,
    e: e.eid,
    v: e.visitorId,
    at: e.receivedAt.toISOString(),
    cat: e.clientAt?.toISOString() ?? null,
    t: e.type,
    u: e.url,
    r: e.referrer,
    vk: sourceKey(visit),
    brings: touch !== null && !isDirect(touch),
    so: visit.source,
    me: visit.medium,
    ca: visit.campaign,
    co: visit.content,
    te: visit.term,
    sn: visit.socialNetwork,
    ct: visit.clickId?.type ?? null,
    ci: visit.clickId?.value ?? null,
    ip: e.ip,
    cr: e.geo.city?.ru ?? null,
    ce: e.geo.city?.en ?? null,
    cc: e.geo.country?.code ?? null,
    nr: e.geo.country?.ru ?? null,
    ne: e.geo.country?.en ?? null,
    b: e.device.browser,
    dv: e.device.device,
    os: e.device.os,
    ga: e.gaClientId,
    ym: e.ymClientId,
  };
}

/**
 * Writes one batch. Claiming event ids, locking visitors, sessionising and the writes run in
 * one database function (0004_collect_batch), so a batch of page views is a single round trip
 * and commits on its own. A batch with leads, or whose new visitors have leads waiting, runs the
 * same function inside a transaction that also creates and attributes those leads.
 */
export async function writeEvents(db: Db, events: EnrichedEvent[], afterWrite?: AfterWrite): Promise<void> {
  const months = new Set(events.map((e) => e.receivedAt.toISOString().slice(0, 7)));
  for (const m of months) await ensureHitsPartition(db, new Date(`${m}-01T00:00:00Z`));

  // A resent event may sit twice in one batch: write it once.
  const unique = [...new Map(events.map((e) => [`${e.projectId}/${e.eid}`, e])).values()];
  const rows = unique.map(batchRow);
  // ga/ym belong to the visitor only: each event carries the latest its visitor sent in the batch.
  const ids = new Map<string, { ga: string | null; ym: string | null }>();
  for (const r of rows) {
    const known = ids.get(`${r.p}/${r.v}`) ?? { ga: null, ym: null };
    ids.set(`${r.p}/${r.v}`, { ga: r.ga ?? known.ga, ym: r.ym ?? known.ym });
  }
  for (const r of rows) Object.assign(r, ids.get(`${r.p}/${r.v}`));
  const batch = JSON.stringify(rows);
  // "Last hit seen" in the cabinet: at most one write per project a minute.
  const now = Date.now();
  const stale = [...new Set(unique.map((e) => e.projectId))].filter(
    (id) => now - (lastHitWritten.get(id) ?? 0) > 60_000,
  );
  const stamped = () => {
    for (const id of stale) lastHitWritten.set(id, now);
  };

  const client = await poolOf(db).connect();
  try {
    if (!unique.some((e) => e.type === 'lead')) {
      try {
        await collectBatch(client, batch, IDLE, stale, true);
        stamped();
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== LEADS_WAITING) throw err;
      }
    }
    await client.query('begin');
    try {
      const written = await collectBatch(client, batch, IDLE, stale, false);
      const keys = (kind: string) =>
        new Set(written.filter((r) => r.kind === kind).map((r) => `${r.project_id}/${r.id}`));
      const fresh = keys('event');
      const newVisitors = keys('visitor');
      const ordered = unique
        .filter((e) => fresh.has(`${e.projectId}/${e.eid}`))
        .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
      if (afterWrite && (newVisitors.size > 0 || ordered.some((e) => e.type === 'lead')))
        await afterWrite(dbOnClient(client), ordered, newVisitors);
      await client.query('commit');
      stamped();
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}
