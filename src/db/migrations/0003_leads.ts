import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table projects
      add column attribution_model text not null default 'last_non_direct'
        check (attribution_model in ('last_non_direct', 'first_click', 'last_click')),
      add column duplicate_window_minutes integer not null default 60 check (duplicate_window_minutes between 0 and 43200),
      add column phone_region char(2) not null default 'RU'`.execute(db);

  await sql`
    create table leads (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references projects(id) on delete cascade,
      type text not null check (type in ('form', 'phone', 'chat', 'email', 'offline')),
      channel text not null,
      external_id text,
      email text, phone text, name text,
      subject text, message text,
      page text,
      visitor_id text,
      occurred_at timestamptz not null,
      created_at timestamptz not null default now(),
      params jsonb not null default '{}',
      attributed_at timestamptz,
      duplicate_of uuid references leads(id),
      eid text
    )`.execute(db);
  await sql`create unique index leads_external_id_key on leads (project_id, external_id) where external_id is not null`.execute(
    db,
  );
  await sql`create unique index leads_eid_key on leads (project_id, eid) where eid is not null`.execute(db);
  await sql`create index leads_project_time_idx on leads (project_id, occurred_at desc, id desc)`.execute(db);
  await sql`create index leads_email_idx on leads (project_id, email) where email is not null`.execute(db);
  await sql`create index leads_phone_idx on leads (project_id, phone) where phone is not null`.execute(db);
  await sql`create index leads_unattributed_idx on leads (project_id, visitor_id) where attributed_at is null`.execute(
    db,
  );

  // What integrations react to (lead.created, lead.attributed): written in the same transaction as
  // the change, read by the delivery engine — an outbox, so no event is lost or invented.
  await sql`
    create table lead_events (
      id bigserial primary key,
      project_id uuid not null,
      lead_id uuid not null references leads(id) on delete cascade,
      type text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index lead_events_lead_idx on lead_events (lead_id)`.execute(db);

  // A visitor's known contacts, so a later lead (offline, phone, e-mail) by the same person finds them.
  await sql`
    create table visitor_contacts (
      project_id uuid not null,
      kind text not null check (kind in ('email', 'phone')),
      value text not null,
      visitor_id text not null,
      seen_at timestamptz not null,
      primary key (project_id, kind, value, visitor_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['visitor_contacts', 'lead_events', 'leads'])
    await db.schema.dropTable(t).ifExists().execute();
  await sql`alter table projects drop column attribution_model, drop column duplicate_window_minutes, drop column phone_region`.execute(
    db,
  );
}
