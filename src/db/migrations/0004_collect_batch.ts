import { type Kysely, sql } from 'kysely';

/**
 * The collector's batch write as one server-side function: claiming event ids, locking visitors,
 * sessionising and writing visits, visitor state and hits take one round trip instead of four.
 * At collector volumes the round trips (and their syscalls) cost more than the writes.
 *
 * One event of the batch, as the writer sends it (JSON keys = these names):
 * n arrival order; p project; e event id; v visitor; at received; cat client time; t type; u url;
 * r referrer; vk source key of the visit this hit would open; brings = the hit carries a
 * non-direct source (it opens a new visit when that differs from the current one); so..ci the
 * touch (direct when the hit has none); the rest enrich the visitor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Visitors and visits are updated on every hit; room left in each page lets those updates stay
  // on the page (HOT: no index entries to add).
  await sql`alter table visitors set (fillfactor = 80)`.execute(db);
  await sql`alter table visits set (fillfactor = 80)`.execute(db);
  await sql`
    create type collect_event as (
      n int, p uuid, e text, v text, at timestamptz, cat timestamptz, t text, u text, r text,
      vk text, brings boolean,
      so text, me text, ca text, co text, te text, sn text, ct text, ci text,
      ip text, cr text, ce text, cc text, nr text, ne text, b text, dv text, os text, ga text, ym text
    )`.execute(db);

  // Index lookups always: the function's plans are cached per connection, and one made while the
  // tables were small would scan them whole for ever; every row it touches is found by key.
  await sql`
    create function collect_batch(batch json, idle interval, fast boolean, touch_projects uuid[])
    returns table (kind text, project_id uuid, id text)
    language plpgsql
    set enable_seqscan = off set enable_hashjoin = off set enable_mergejoin = off
    as $fn$
    #variable_conflict use_column
    declare
      fresh collect_event[];
      claimed_n int;
      ev collect_event;
      vp uuid[]; vid text[]; vvisit uuid[]; vkey text[]; vseen timestamptz[];
      np uuid[]; nid text[];
      j int := 0;
      i int := 0;
      cur_visit uuid; cur_key text; cur_seen timestamptz;
      -- per event of fresh: its visit, whether it opened it, and whether it is its visitor's last
      hit_visit uuid[] := '{}'; opened boolean[] := '{}'; last boolean[] := '{}'; key_after text[] := '{}';
    begin
      -- 1. Remember the event ids: a resent event is acknowledged without a second write.
      select array_agg(x order by x.p, x.v, x.at, x.n) into fresh
      from json_populate_recordset(null::collect_event, batch) x;
      with claimed as (
        insert into collected_events (project_id, eid)
        select f.p, f.e from unnest(fresh) f order by f.p, f.e
        on conflict do nothing
        returning 1
      )
      select count(*) into claimed_n from claimed;
      if claimed_n < cardinality(fresh) then
        -- Some were written before (rare: a tracker resent after a lost answer): keep the ones
        -- this transaction claimed.
        select array_agg(f order by f.p, f.v, f.at, f.n) into fresh
        from unnest(fresh) f
        where exists (
          select 1 from collected_events c
          where c.project_id = f.p and c.eid = f.e and c.xmin = pg_current_xact_id()::xid
        );
      end if;
      if fresh is null then return; end if;

      -- 2. Create missing visitors, then lock all of them, each in one fixed order (no deadlocks
      --    between batches or processes), so no two writers open a visit for one visitor. Locking
      --    by select, not by a no-op update, spares a row version per visitor.
      with created as (
        insert into visitors (project_id, id, first_seen_at, last_seen_at)
        select distinct on (f.p, f.v) f.p, f.v, f.at, f.at from unnest(fresh) f order by f.p, f.v, f.at
        on conflict do nothing
        returning visitors.project_id, visitors.id
      )
      select array_agg(c.project_id), array_agg(c.id) into np, nid from created c;
      select array_agg(l.project_id order by l.project_id, l.id), array_agg(l.id order by l.project_id, l.id),
        array_agg(l.current_visit_id order by l.project_id, l.id),
        array_agg(l.current_source_key order by l.project_id, l.id),
        array_agg(l.last_seen_at order by l.project_id, l.id)
      into vp, vid, vvisit, vkey, vseen
      from (
        select v.project_id, v.id, v.current_visit_id, v.current_source_key, v.last_seen_at
        from (select distinct f.p, f.v from unnest(fresh) f) w
        join visitors v on v.project_id = w.p and v.id = w.v
        order by v.project_id, v.id
        for update of v
      ) l;

      -- Leads waiting for a visitor seen here for the first time are attributed by the writer in
      -- the same transaction; the fast path hands such a batch back to it.
      if fast and exists (
        select 1 from unnest(np, nid) as u(p, v) join leads l on l.project_id = u.p and l.visitor_id = u.v
        where l.attributed_at is null
      ) then
        raise exception 'batch has leads waiting for new visitors' using errcode = 'LT001';
      end if;

      -- 3. Sessionise each visitor's events in arrival order (fresh is sorted by visitor, time);
      --    the visitors' arrays are in the same order, so one pass walks both.
      foreach ev in array fresh loop
        i := i + 1;
        if j = 0 or vp[j] is distinct from ev.p or vid[j] is distinct from ev.v then
          if i > 1 then last[i - 1] := true; end if;
          j := j + 1;
          while vp[j] is distinct from ev.p or vid[j] is distinct from ev.v loop j := j + 1; end loop;
          cur_visit := vvisit[j]; cur_key := vkey[j]; cur_seen := vseen[j];
        end if;
        if cur_visit is null or ev.at - cur_seen > idle or (ev.brings and ev.vk is distinct from cur_key) then
          cur_visit := gen_random_uuid(); cur_key := ev.vk;
          opened[i] := true;
        else
          opened[i] := false;
        end if;
        last[i] := false;
        cur_seen := ev.at;
        hit_visit[i] := cur_visit;
        key_after[i] := cur_key;
      end loop;
      last[i] := true;

      -- 4. Write new visits, continued visits, visitor state and hits (each a pass over fresh).
      insert into visits (id, project_id, visitor_id, started_at, last_hit_at, source, medium, campaign, content,
        term, social_network, click_id_type, click_id, referrer, landing_url, ip, city_ru, city_en, country_code,
        country_ru, country_en, browser, device)
      select hit_visit[f.ordinality], f.p, f.v, f.at, f.at, f.so, f.me, f.ca, f.co, f.te, f.sn, f.ct, f.ci, f.r, f.u,
        f.ip, f.cr, f.ce, f.cc, f.nr, f.ne, f.b, f.dv
      from unnest(fresh) with ordinality f
      where opened[f.ordinality];

      update visits set last_hit_at = greatest(visits.last_hit_at, u.at), hits = visits.hits + u.k
      from (
        select hit_visit[f.ordinality] as id, max(f.at) as at, count(*)::int as k
        from unnest(fresh) with ordinality f where not opened[f.ordinality] group by 1
      ) u
      where visits.id = u.id;

      -- ga/ym arrive folded per visitor by the writer (the latest known in the batch), so the last
      -- event carries them; a detail it lacks keeps the stored one.
      update visitors set
        last_seen_at = greatest(visitors.last_seen_at, f.at),
        current_visit_id = hit_visit[f.ordinality], current_source_key = key_after[f.ordinality],
        ga_client_id = coalesce(f.ga, visitors.ga_client_id), ym_client_id = coalesce(f.ym, visitors.ym_client_id),
        ip = coalesce(f.ip, visitors.ip),
        city_ru = coalesce(f.cr, visitors.city_ru), city_en = coalesce(f.ce, visitors.city_en),
        country_code = coalesce(f.cc, visitors.country_code),
        country_ru = coalesce(f.nr, visitors.country_ru), country_en = coalesce(f.ne, visitors.country_en),
        browser = coalesce(f.b, visitors.browser), device = coalesce(f.dv, visitors.device),
        os = coalesce(f.os, visitors.os)
      from unnest(fresh) with ordinality f
      where last[f.ordinality] and visitors.project_id = f.p and visitors.id = f.v;

      insert into hits (project_id, received_at, client_at, visitor_id, visit_id, eid, type, url, referrer)
      select f.p, f.at, f.cat, f.v, hit_visit[f.ordinality], f.e, f.t, f.u, f.r
      from unnest(fresh) with ordinality f;

      if cardinality(touch_projects) > 0 then
        update projects set last_hit_at = now() where projects.id = any(touch_projects);
      end if;

      if not fast then
        return query select 'event'::text, f.p, f.e from unnest(fresh) f;
        return query select 'visitor'::text, u.p, u.v from unnest(np, nid) as u(p, v);
      end if;
    end
    $fn$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists collect_batch(json, interval, boolean, uuid[])`.execute(db);
  await sql`drop type if exists collect_event`.execute(db);
  await sql`alter table visitors reset (fillfactor)`.execute(db);
  await sql`alter table visits reset (fillfactor)`.execute(db);
}
