import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per project and kind of integration. Settings are the user's choices (no secrets);
  // tokens and client secrets are sealed (AES-256-GCM, key from SECRET_KEY).
  await sql`
    create table integrations (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references projects(id) on delete cascade,
      kind text not null check (kind in ('amocrm')),
      settings jsonb not null,
      base_url text not null,
      auth text not null check (auth in ('long_lived', 'oauth')),
      client_id text,
      client_secret_enc text,
      redirect_uri text,
      access_token_enc text,
      refresh_token_enc text,
      access_expires_at timestamptz,
      remote_account_id bigint,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (project_id, kind)
    )`.execute(db);

  // An OAuth authorization in progress: the state sent to amoCRM and what to save on return.
  await sql`
    create table oauth_states (
      state_hash text primary key,
      project_id uuid not null references projects(id) on delete cascade,
      kind text not null,
      payload_enc text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);

  // Token buckets shared by every process (per remote account), so together they stay under the
  // remote limit (amoCRM: 7 requests/s, and it blocks accounts that keep exceeding it).
  await sql`
    create table rate_buckets (
      key text primary key,
      tokens double precision not null,
      refilled_at timestamptz not null
    )`.execute(db);

  // One delivery = (lead, destination, entity) with a state the user sees. intent_at is set before
  // a create request leaves: a retry after a lost answer looks for the entity before re-creating.
  await sql`
    create table deliveries (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references projects(id) on delete cascade,
      lead_id uuid not null references leads(id) on delete cascade,
      destination text not null,
      entity text not null,
      mode text not null check (mode in ('create', 'update')),
      state text not null check (state in ('pending', 'waiting', 'searching', 'done', 'skipped', 'failed')),
      reason text,
      remote_id bigint,
      attempts integer not null default 0,
      intent_at timestamptz,
      -- the mapped parameters last written (JSON): an update that would write the same is skipped
      synced_params text,
      window_ends_at timestamptz not null,
      last_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (lead_id, destination, entity)
    )`.execute(db);
  await sql`create index deliveries_project_idx on deliveries (project_id, created_at desc)`.execute(db);

  // The integration log a project's users read: what was sent, found, skipped or refused.
  await sql`
    create table integration_log (
      id bigserial primary key,
      project_id uuid not null references projects(id) on delete cascade,
      destination text not null,
      lead_id uuid references leads(id) on delete cascade,
      level text not null check (level in ('info', 'warn', 'error')),
      message text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index integration_log_project_idx on integration_log (project_id, id desc)`.execute(db);

  // The outbox is read in order by the dispatcher; a notification wakes it at once.
  await sql`alter table lead_events add column dispatched_at timestamptz`.execute(db);
  await sql`create index lead_events_pending_idx on lead_events (id) where dispatched_at is null`.execute(db);
  await sql`
    create function lead_events_notify() returns trigger language plpgsql as $fn$
    begin
      perform pg_notify('lead_events', '');
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger lead_events_notify after insert on lead_events
    for each statement execute function lead_events_notify()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists lead_events_notify on lead_events`.execute(db);
  await sql`drop function if exists lead_events_notify()`.execute(db);
  await sql`alter table lead_events drop column if exists dispatched_at`.execute(db);
  for (const t of ['integration_log', 'deliveries', 'rate_buckets', 'oauth_states', 'integrations'])
    await db.schema.dropTable(t).ifExists().execute();
}
