import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // An integration whose account refuses every request (API blocked, unpaid, access revoked) is
  // paused rather than failing its leads: pause_reason is the account's own words with the HTTP
  // status; a probe runs at next_probe_at until probe_until, then the waiting deliveries fail.
  // A pause with no next probe is one that was given up on (its deliveries failed).
  await sql`
    alter table integrations
      add column paused_at timestamptz,
      add column pause_reason text,
      add column pause_status integer,
      add column next_probe_at timestamptz,
      add column probe_until timestamptz,
      add column tokens_refreshed_at timestamptz`.execute(db);
  // Unknown for rows made before: taken as their last change, so a stale one is refreshed soon.
  await sql`update integrations set tokens_refreshed_at = updated_at where auth = 'oauth'`.execute(db);
  await sql`create index integrations_probe_idx on integrations (next_probe_at) where next_probe_at is not null`.execute(
    db,
  );

  // 'paused': held back while the integration's account is in trouble; sent when it answers again.
  await sql`alter table deliveries drop constraint deliveries_state_check`.execute(db);
  await sql`
    alter table deliveries add constraint deliveries_state_check
      check (state in ('pending', 'waiting', 'searching', 'paused', 'done', 'skipped', 'failed'))`.execute(
    db,
  );
  await sql`create index deliveries_paused_idx on deliveries (project_id, destination) where state = 'paused'`.execute(
    db,
  );

  // The company a B2B form names («Компания», «Организация»…), beside the contact's name.
  await sql`alter table leads add column company text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads drop column if exists company`.execute(db);
  await sql`drop index if exists deliveries_paused_idx`.execute(db);
  await sql`update deliveries set state = 'pending' where state = 'paused'`.execute(db);
  await sql`alter table deliveries drop constraint deliveries_state_check`.execute(db);
  await sql`
    alter table deliveries add constraint deliveries_state_check
      check (state in ('pending', 'waiting', 'searching', 'done', 'skipped', 'failed'))`.execute(db);
  await sql`drop index if exists integrations_probe_idx`.execute(db);
  await sql`
    alter table integrations
      drop column paused_at, drop column pause_reason, drop column pause_status,
      drop column next_probe_at, drop column probe_until, drop column tokens_refreshed_at`.execute(db);
}
