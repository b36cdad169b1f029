import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
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

/** Runs inside the batch transaction for the events that were new (not retries). */
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
  #idleWaiters: Array<() => void> = [];
  readonly #opts: Options;
  /** committed batches and events since start, to see group commit at work */
  readonly stats = { batches: 0, events: 0 };

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    opts: Partial<Options> = {},
  ) {
    this.#opts = { maxBatch: 500, maxBuffered: 10_000, concurrency: 3, ...opts };
  }

  get buffered(): number {
    return this.#queue.length;
  }

  submit(event: EnrichedEvent): Promise<void> {
    if (this.#queue.length >= this.#opts.maxBuffered) return Promise.reject(new BufferFullError());
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#pump();
    });
  }

  /** Resolves when everything submitted so far is written (used on shutdown). */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Starts batches while there is work and a free slot; what arrives meanwhile forms the next batch. */
  #pump(): void {
    while (this.#active < this.#opts.concurrency && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#opts.maxBatch);
      this.#active++;
      void this.#writeBatch(batch).finally(() => {
        this.#active--;
        this.#pump();
        if (this.#active === 0 && this.#queue.length === 0) for (const w of this.#idleWaiters.splice(0)) w();
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

type VisitorRow = {
  project_id: string;
  id: string;
  current_visit_id: string | null;
  current_source_key: string | null;
  last_seen_at: Date;
};

/** Writes one batch in one transaction; exported for tests and for the single-event retry path. */
export async function writeEvents(db: Db, events: EnrichedEvent[], afterWrite?: AfterWrite): Promise<void> {
  const months = new Set(events.map((e) => e.receivedAt.toISOString().slice(0, 7)));
  for (const m of months) await ensureHitsPartition(db, new Date(`${m}-01T00:00:00Z`));

  await db.transaction().execute(async (trx) => {
    // 1–2. One statement: remember the event ids (a retried event is acknowledged without a second
    //    write), then create missing visitors and lock all of them, in a fixed order (no deadlocks
    //    between batches or processes) so no two writers open a visit for one visitor.
    const unique = [...new Map(events.map((e) => [`${e.projectId}/${e.eid}`, e])).values()].sort(
      (a, b) => cmp(a.projectId, b.projectId) || cmp(a.eid, b.eid),
    );
    const claimed = await sql<
      { kind: 'event' | 'visitor'; project_id: string; id: string } & Omit<
        VisitorRow,
        'project_id' | 'id'
      > & { inserted: boolean | null }
    >`
      with input as (
        select * from unnest(${unique.map((e) => e.projectId)}::uuid[], ${unique.map((e) => e.eid)}::text[],
          ${unique.map((e) => e.visitorId)}::text[], ${unique.map((e) => e.receivedAt.toISOString())}::timestamptz[])
          as i(project_id, eid, visitor_id, at)
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
      select 'visitor', project_id, id, current_visit_id, current_source_key, last_seen_at, inserted from locked`.execute(
      trx,
    );
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
          project_id: v.project_id,
          id: v.id,
          current_visit_id: v.current_visit_id,
          current_source_key: v.current_source_key,
          last_seen_at: new Date(v.last_seen_at),
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

    // 4. Write new visits, continued visits, visitor state and hits in one statement.
    const nv = <T>(f: (x: (typeof newVisits)[number]) => T) => newVisits.map(f);
    const cvIds = [...visitHits.keys()];
    const lastByVisitor = new Map<string, EnrichedEvent>();
    for (const e of ordered) lastByVisitor.set(`${e.projectId}/${e.visitorId}`, e);
    const vs = [...lastByVisitor.entries()].map(([k, e]) => ({ e, s: state.get(k) }));
    const col = <T>(f: (x: { e: EnrichedEvent; s: ReturnType<typeof state.get> }) => T) => vs.map(f);
    await sql`
      with new_visits as (
        insert into visits (id, project_id, visitor_id, started_at, last_hit_at, source, medium, campaign, content, term,
          social_network, click_id_type, click_id, referrer, landing_url, ip, city_ru, city_en, country_code, country_ru,
          country_en, browser, device)
        select * from unnest(
          ${nv((x) => x.id)}::uuid[], ${nv((x) => x.e.projectId)}::uuid[], ${nv((x) => x.e.visitorId)}::text[],
          ${nv((x) => x.e.receivedAt.toISOString())}::timestamptz[], ${nv((x) => x.e.receivedAt.toISOString())}::timestamptz[],
          ${nv((x) => x.touch.source)}::text[], ${nv((x) => x.touch.medium)}::text[], ${nv((x) => x.touch.campaign)}::text[],
          ${nv((x) => x.touch.content)}::text[], ${nv((x) => x.touch.term)}::text[], ${nv((x) => x.touch.socialNetwork)}::text[],
          ${nv((x) => x.touch.clickId?.type ?? null)}::text[], ${nv((x) => x.touch.clickId?.value ?? null)}::text[],
          ${nv((x) => x.e.referrer)}::text[], ${nv((x) => x.e.url)}::text[], ${nv((x) => x.e.ip)}::text[],
          ${nv((x) => x.e.geo.city?.ru ?? null)}::text[], ${nv((x) => x.e.geo.city?.en ?? null)}::text[],
          ${nv((x) => x.e.geo.country?.code ?? null)}::text[], ${nv((x) => x.e.geo.country?.ru ?? null)}::text[],
          ${nv((x) => x.e.geo.country?.en ?? null)}::text[], ${nv((x) => x.e.device.browser)}::text[],
          ${nv((x) => x.e.device.device)}::text[])
      ), continued_visits as (
        update visits set last_hit_at = greatest(visits.last_hit_at, u.at), hits = visits.hits + u.n
        from unnest(${cvIds}::uuid[], ${cvIds.map((id) => visitHits.get(id)?.at.toISOString())}::timestamptz[],
          ${cvIds.map((id) => visitHits.get(id)?.n)}::int[]) as u(id, at, n)
        where visits.id = u.id
      ), visitor_state as (
        update visitors set
          last_seen_at = u.seen,
          current_visit_id = u.visit,
          current_source_key = u.skey,
          ga_client_id = coalesce(u.ga, visitors.ga_client_id),
          ym_client_id = coalesce(u.ym, visitors.ym_client_id),
          ip = coalesce(u.ip, visitors.ip),
          city_ru = coalesce(u.city_ru, visitors.city_ru), city_en = coalesce(u.city_en, visitors.city_en),
          country_code = coalesce(u.cc, visitors.country_code),
          country_ru = coalesce(u.country_ru, visitors.country_ru), country_en = coalesce(u.country_en, visitors.country_en),
          browser = coalesce(u.browser, visitors.browser), device = coalesce(u.device, visitors.device), os = coalesce(u.os, visitors.os)
        from unnest(
          ${col((x) => x.e.projectId)}::uuid[], ${col((x) => x.e.visitorId)}::text[],
          ${col((x) => x.e.receivedAt.toISOString())}::timestamptz[], ${col((x) => x.s?.current_visit_id)}::uuid[],
          ${col((x) => x.s?.current_source_key)}::text[],
          ${col((x) => x.e.gaClientId)}::text[], ${col((x) => x.e.ymClientId)}::text[], ${col((x) => x.e.ip)}::text[],
          ${col((x) => x.e.geo.city?.ru ?? null)}::text[], ${col((x) => x.e.geo.city?.en ?? null)}::text[],
          ${col((x) => x.e.geo.country?.code ?? null)}::text[],
          ${col((x) => x.e.geo.country?.ru ?? null)}::text[], ${col((x) => x.e.geo.country?.en ?? null)}::text[],
          ${col((x) => x.e.device.browser)}::text[], ${col((x) => x.e.device.device)}::text[], ${col((x) => x.e.device.os)}::text[]
        ) as u(project_id, id, seen, visit, skey, ga, ym, ip, city_ru, city_en, cc, country_ru, country_en, browser, device, os)
        where visitors.project_id = u.project_id and visitors.id = u.id
      )
      insert into hits (project_id, received_at, client_at, visitor_id, visit_id, eid, type, url, referrer)
      select * from unnest(
        ${hits.map((h) => h.e.projectId)}::uuid[], ${hits.map((h) => h.e.receivedAt.toISOString())}::timestamptz[],
        ${hits.map((h) => h.e.clientAt?.toISOString() ?? null)}::timestamptz[], ${hits.map((h) => h.e.visitorId)}::text[],
        ${hits.map((h) => h.visitId)}::uuid[], ${hits.map((h) => h.e.eid)}::text[], ${hits.map((h) => h.e.type)}::text[],
        ${hits.map((h) => h.e.url)}::text[], ${hits.map((h) => h.e.referrer)}::text[])`.execute(trx);

    // "Last hit seen" in the cabinet: at most one write per project a minute, decided here so
    // most batches skip the statement.
    const now = Date.now();
    const stale = [...new Set(todo.map((e) => e.projectId))].filter(
      (id) => now - (lastHitWritten.get(id) ?? 0) > 60_000,
    );
    if (stale.length > 0) {
      await sql`update projects set last_hit_at = now() where id = any(${stale}::uuid[])`.execute(trx);
      for (const id of stale) lastHitWritten.set(id, now);
    }

    if (afterWrite) await afterWrite(trx, ordered, newVisitors);
  });
}
