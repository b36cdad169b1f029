import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A visitor is one browser (the tracker's AT client id) within one project. The current visit's
  // id, source and last hit live here so sessionising a hit reads one row (locked per batch).
  await sql`
    create table visitors (
      project_id uuid not null references projects(id) on delete cascade,
      id text not null,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      ga_client_id text,
      ym_client_id text,
      ip text,
      city_ru text, city_en text,
      country_code text, country_ru text, country_en text,
      browser text, device text, os text,
      current_visit_id uuid,
      current_source_key text,
      primary key (project_id, id)
    )`.execute(db);

  await sql`
    create table visits (
      id uuid primary key,
      project_id uuid not null,
      visitor_id text not null,
      started_at timestamptz not null,
      last_hit_at timestamptz not null,
      hits integer not null default 1,
      source text not null,
      medium text not null,
      campaign text, content text, term text,
      social_network text,
      click_id_type text, click_id text,
      referrer text,
      landing_url text not null,
      ip text,
      city_ru text, city_en text,
      country_code text, country_ru text, country_en text,
      browser text, device text,
      foreign key (project_id, visitor_id) references visitors (project_id, id) on delete cascade
    )`.execute(db);
  await sql`create index visits_visitor_idx on visits (project_id, visitor_id, started_at)`.execute(db);
  await sql`create index visits_project_started_idx on visits (project_id, started_at)`.execute(db);

  // Raw hits are the volume: partitioned by month of arrival so old months can be detached cheaply.
  await sql`
    create table hits (
      project_id uuid not null,
      received_at timestamptz not null,
      client_at timestamptz,
      visitor_id text not null,
      visit_id uuid not null,
      eid text not null,
      type text not null,
      url text not null,
      referrer text
    ) partition by range (received_at)`.execute(db);
  await sql`create index hits_visitor_idx on hits (project_id, visitor_id, received_at)`.execute(db);

  // Tracker retries resend the same event id; this remembers recent ids so a retry is acknowledged
  // without a second write. Rows older than a week are swept.
  await sql`
    create table collected_events (
      project_id uuid not null,
      eid text not null,
      received_at timestamptz not null default now(),
      primary key (project_id, eid)
    )`.execute(db);
  await sql`create index collected_events_received_idx on collected_events (received_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['collected_events', 'hits', 'visits', 'visitors'])
    await db.schema.dropTable(t).ifExists().execute();
}
