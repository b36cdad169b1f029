import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Who asked for a pool binding: new bindings are limited per client address and project
  // (issue 10: 505 requests from one address took a whole pool in 7 s). Counted from this table
  // under the project's email_tracking row lock, so several processes share one exact count.
  await sql`alter table email_aliases add column ip text`.execute(db);
  await sql`create index email_aliases_ip_idx on email_aliases (project_id, ip, valid_from) where ip is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists email_aliases_ip_idx`.execute(db);
  await sql`alter table email_aliases drop column if exists ip`.execute(db);
}
