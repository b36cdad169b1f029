import { type Kysely, sql } from 'kysely';

/**
 * Every process caches site key → project for the collector and /alias (src/tracking/sites.ts).
 * A change that matters there — a new project, a rotated key, other domains or lead settings, a
 * deletion — is announced on the channel `leadtrail_sites` with the (old) site key, on commit, so
 * every process drops its entry at once. The collector's own last_hit_at stamps announce nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function projects_site_changed() returns trigger language plpgsql as $fn$
    begin
      if tg_op = 'INSERT' then
        perform pg_notify('leadtrail_sites', new.site_key);
      else
        perform pg_notify('leadtrail_sites', old.site_key);
      end if;
      return null;
    end
    $fn$`.execute(db);
  await sql`
    create trigger projects_site_inserted after insert on projects
    for each row execute function projects_site_changed()`.execute(db);
  await sql`
    create trigger projects_site_deleted after delete on projects
    for each row execute function projects_site_changed()`.execute(db);
  await sql`
    create trigger projects_site_updated after update on projects
    for each row when (
      old.site_key is distinct from new.site_key
      or old.domains is distinct from new.domains
      or old.deleted_at is distinct from new.deleted_at
      or old.account_id is distinct from new.account_id
      or old.phone_region is distinct from new.phone_region
      or old.duplicate_window_minutes is distinct from new.duplicate_window_minutes
      or old.attribution_model is distinct from new.attribution_model
    ) execute function projects_site_changed()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['projects_site_inserted', 'projects_site_deleted', 'projects_site_updated'])
    await sql`drop trigger if exists ${sql.raw(t)} on projects`.execute(db);
  await sql`drop function if exists projects_site_changed()`.execute(db);
}
