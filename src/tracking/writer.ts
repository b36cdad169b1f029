import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { type Db, dbOnClient, poolOf } from '../db/connection.js';
import type { Logger } from '../logger.js';
import type { EnrichedEvent } from './events.js';
import { ensureHitsPartition } from './partitions.js';
import { sessionise, sourceKey } from './sessionise.js';
import type { Touch } from './traffic-source.js';

export class BufferFullError extends Error {
  constructor() {
    super('collector buffer full');
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
  /** called after each committed batch with its size (metrics) */
  onBatch?: (size: number) => void;
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
    try {
      await writeEvents(
        this.db,
        batch.map((p) => p.event),
        this.#opts.afterWrite,
      );
      this.stats.batches++;
      this.stats.events += batch.length;
      this.#opts.onBatch?.(batch.length);
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) {
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

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** When this process last stamped each project's last_hit_at. */
const lastHitWritten = new Map<string, number>();

/** Statement 1 of a batch: claim event ids, then create and lock the new events' visitors. */
const CLAIM_SQL = `
  with input as (
    select * from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) as i(project_id, eid, visitor_id, at)
  ), fresh as (
    insert into collected_events (project_id, eid)
    select project_id, eid from input order by project_id, eid
    on conflict do nothing
    returning project_id, eid
  ), locked as (
    insert into visitors (project_id, id, first_seen_at, last_seen_at)
    select distinct on (i.project_id, i.visitor_id) i.project_id, i.visitor_id, i.at, i.at
    from input i join fresh f on f.project_id = i.project_id and f.eid = i.eid
    order by i.project_id, i.visitor_id, i.at
    on conflict (project_id, id) do update set project_id = excluded.project_id
    returning project_id, id, current_visit_id, current_source_key, last_seen_at, (xmax = 0) as inserted
  )
  select 'event' as kind, project_id, eid as id, null::uuid as current_visit_id, null::text as current_source_key,
    null::timestamptz as last_seen_at, null::boolean as inserted from fresh
  union all
  select 'visitor', project_id, id, current_visit_id, current_source_key, last_seen_at, inserted from locked`;

/** Statement 2: new visits, continued visits, visitor state and the hits, as one statement. */
const WRITE_SQL = `
  with new_visits as (
    insert into visits (id, project_id, visitor_id, started_at, last_hit_at, source, medium, campaign, content, term,
      social_network, click_id_type, click_id, referrer, landing_url, ip, city_ru, city_en, country_code, country_ru,
      country_en, browser, device)
    select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
      $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
  ), continued_visits as (
    update visits set last_hit_at = greatest(visits.last_hit_at, u.at), hits = visits.hits + u.n
    from unnest($24::uuid[], $25::timestamptz[], $26::int[]) as u(id, at, n)
    where visits.id = u.id
  ), visitor_state as (
    update visitors set
      last_seen_at = u.seen, current_visit_id = u.visit, current_source_key = u.skey,
      ga_client_id = coalesce(u.ga, visitors.ga_client_id), ym_client_id = coalesce(u.ym, visitors.ym_client_id),
      ip = coalesce(u.ip, visitors.ip),
      city_ru = coalesce(u.city_ru, visitors.city_ru), city_en = coalesce(u.city_en, visitors.city_en),
      country_code = coalesce(u.cc, visitors.country_code),
      country_ru = coalesce(u.country_ru, visitors.country_ru), country_en = coalesce(u.country_en, visitors.country_en),
      browser = coalesce(u.browser, visitors.browser), device = coalesce(u.device, visitors.device),
      os = coalesce(u.os, visitors.os)
    from unnest($27::uuid[], $28::text[], $29::timestamptz[], $30::uuid[], $31::text[], $32::text[], $33::text[],
      $34::text[], $35::text[], $36::text[], $37::text[], $38::text[], $39::text[], $40::text[], $41::text[], $42::text[])
      as u(project_id, id, seen, visit, skey, ga, ym, ip, city_ru, city_en, cc, country_ru, country_en, browser, device, os)
    where visitors.project_id = u.project_id and visitors.id = u.id
  )
  insert into hits (project_id, received_at, client_at, visitor_id, visit_id, eid, type, url, referrer)
  select * from unnest($43::uuid[], $44::timestamptz[], $45::timestamptz[], $46::text[], $47::uuid[], $48::text[],
    $49::text[], $50::text[], $51::text[])`;

type ClaimRow = {
  kind: 'event' | 'visitor';
  project_id: string;
  id: string;
  current_visit_id: string | null;
  current_source_key: string | null;
  last_seen_at: Date | null;
  inserted: boolean | null;
};

/**
 * Writes one batch in one transaction on one connection. Its two statements are prepared by name
 * (parsed and planned once per connection): at collector volumes, resending and replanning them
 * for every batch cost more than the writes themselves.
 */
export async function writeEvents(db: Db, events: EnrichedEvent[], afterWrite?: AfterWrite): Promise<void> {
  const months = new Set(events.map((e) => e.receivedAt.toISOString().slice(0, 7)));
  for (const m of months) await ensureHitsPartition(db, new Date(`${m}-01T00:00:00Z`));

  const client = await poolOf(db).connect();
  try {
    // The batch statements are prepared once per connection and keep their plan; one planned while
    // the tables were small would scan them whole for ever. Every row they touch is found by key,
    // so index lookups are always right here.
    await client.query(
      'begin; set local enable_seqscan = off; set local enable_hashjoin = off; set local enable_mergejoin = off',
    );
    await writeInTransaction(client, events, afterWrite);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function writeInTransaction(
  client: PoolClient,
  events: EnrichedEvent[],
  afterWrite?: AfterWrite,
): Promise<void> {
  // 1–2. Remember the event ids (a retried event is acknowledged without a second write), then
  //    create missing visitors and lock all of them, in a fixed order (no deadlocks between
  //    batches or processes), so no two writers open a visit for one visitor.
  const unique = [...new Map(events.map((e) => [`${e.projectId}/${e.eid}`, e])).values()].sort(
    (a, b) => cmp(a.projectId, b.projectId) || cmp(a.eid, b.eid),
  );
  const claimed = await client.query<ClaimRow>({
    name: 'lt_collect_claim',
    text: CLAIM_SQL,
    values: [
      unique.map((e) => e.projectId),
      unique.map((e) => e.eid),
      unique.map((e) => e.visitorId),
      unique.map((e) => e.receivedAt.toISOString()),
    ],
  });
  const freshKeys = new Set(
    claimed.rows.filter((r) => r.kind === 'event').map((r) => `${r.project_id}/${r.id}`),
  );
  const todo = unique.filter((e) => freshKeys.has(`${e.projectId}/${e.eid}`));
  if (todo.length === 0) return;
  const visitors = claimed.rows.filter((r) => r.kind === 'visitor');
  const state = new Map(
    visitors.map((v) => [
      `${v.project_id}/${v.id}`,
      {
        current_visit_id: v.current_visit_id,
        current_source_key: v.current_source_key,
        last_seen_at: new Date(v.last_seen_at ?? 0),
      },
    ]),
  );
  const newVisitors = new Set(visitors.filter((v) => v.inserted).map((v) => `${v.project_id}/${v.id}`));

  // 3. Sessionise in arrival order.
  const newVisits: Array<{ id: string; e: EnrichedEvent; touch: Touch }> = [];
  const visitHits = new Map<string, { at: Date; n: number }>();
  const hits: Array<{ e: EnrichedEvent; visitId: string }> = [];
  const ordered = [...todo].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  for (const e of ordered) {
    const v = state.get(`${e.projectId}/${e.visitorId}`);
    if (!v) throw new Error('visitor row missing after upsert');
    const isFirstHit = v.current_visit_id === null;
    const decision = sessionise(
      {
        currentVisitId: v.current_visit_id,
        currentSourceKey: v.current_source_key,
        lastSeenAt: isFirstHit ? null : v.last_seen_at,
      },
      e.receivedAt,
      e.traffic,
    );
    if (decision.newVisit) {
      const id = randomUUID();
      newVisits.push({ id, e, touch: decision.touch });
      v.current_visit_id = id;
      v.current_source_key = sourceKey(decision.touch);
    } else {
      const id = v.current_visit_id as string;
      const prev = visitHits.get(id);
      visitHits.set(id, { at: e.receivedAt, n: (prev?.n ?? 0) + 1 });
    }
    v.last_seen_at = e.receivedAt;
    hits.push({ e, visitId: v.current_visit_id as string });
  }

  // 4. Write new visits, continued visits, visitor state and hits.
  const nv = <T>(f: (x: (typeof newVisits)[number]) => T) => newVisits.map(f);
  const cvIds = [...visitHits.keys()];
  const lastByVisitor = new Map<string, EnrichedEvent>();
  for (const e of ordered) lastByVisitor.set(`${e.projectId}/${e.visitorId}`, e);
  const vs = [...lastByVisitor.entries()].map(([k, e]) => ({ e, s: state.get(k) }));
  const col = <T>(f: (x: (typeof vs)[number]) => T) => vs.map(f);
  await client.query({
    name: 'lt_collect_write',
    text: WRITE_SQL,
    values: [
      nv((x) => x.id),
      nv((x) => x.e.projectId),
      nv((x) => x.e.visitorId),
      nv((x) => x.e.receivedAt.toISOString()),
      nv((x) => x.e.receivedAt.toISOString()),
      nv((x) => x.touch.source),
      nv((x) => x.touch.medium),
      nv((x) => x.touch.campaign),
      nv((x) => x.touch.content),
      nv((x) => x.touch.term),
      nv((x) => x.touch.socialNetwork),
      nv((x) => x.touch.clickId?.type ?? null),
      nv((x) => x.touch.clickId?.value ?? null),
      nv((x) => x.e.referrer),
      nv((x) => x.e.url),
      nv((x) => x.e.ip),
      nv((x) => x.e.geo.city?.ru ?? null),
      nv((x) => x.e.geo.city?.en ?? null),
      nv((x) => x.e.geo.country?.code ?? null),
      nv((x) => x.e.geo.country?.ru ?? null),
      nv((x) => x.e.geo.country?.en ?? null),
      nv((x) => x.e.device.browser),
      nv((x) => x.e.device.device),
      cvIds,
      cvIds.map((id) => visitHits.get(id)?.at.toISOString()),
      cvIds.map((id) => visitHits.get(id)?.n),
      col((x) => x.e.projectId),
      col((x) => x.e.visitorId),
      col((x) => x.e.receivedAt.toISOString()),
      col((x) => x.s?.current_visit_id),
      col((x) => x.s?.current_source_key),
      col((x) => x.e.gaClientId),
      col((x) => x.e.ymClientId),
      col((x) => x.e.ip),
      col((x) => x.e.geo.city?.ru ?? null),
      col((x) => x.e.geo.city?.en ?? null),
      col((x) => x.e.geo.country?.code ?? null),
      col((x) => x.e.geo.country?.ru ?? null),
      col((x) => x.e.geo.country?.en ?? null),
      col((x) => x.e.device.browser),
      col((x) => x.e.device.device),
      col((x) => x.e.device.os),
      hits.map((h) => h.e.projectId),
      hits.map((h) => h.e.receivedAt.toISOString()),
      hits.map((h) => h.e.clientAt?.toISOString() ?? null),
      hits.map((h) => h.e.visitorId),
      hits.map((h) => h.visitId),
      hits.map((h) => h.e.eid),
      hits.map((h) => h.e.type),
      hits.map((h) => h.e.url),
      hits.map((h) => h.e.referrer),
    ],
  });

  // "Last hit seen" in the cabinet: at most one write per project a minute, decided here so
  // most batches skip the statement.
  const now = Date.now();
  const stale = [...new Set(todo.map((e) => e.projectId))].filter(
    (id) => now - (lastHitWritten.get(id) ?? 0) > 60_000,
  );
  if (stale.length > 0) {
    await client.query('update projects set last_hit_at = now() where id = any($1::uuid[])', [stale]);
    for (const id of stale) lastHitWritten.set(id, now);
  }

  // Leads are rare next to page views: a query builder on this transaction only when needed.
  if (afterWrite && (newVisitors.size > 0 || ordered.some((e) => e.type === 'lead'))) {
    await afterWrite(dbOnClient(client), ordered, newVisitors);
  }
}
