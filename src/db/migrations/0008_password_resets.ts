import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One-time password reset links: only the token's hash is kept; a use, a newer password or
  // the expiry ends it.
  await sql`
    create table password_resets (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      token_hash text not null unique,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index password_resets_user_idx on password_resets (user_id)`.execute(db);

  // Requests for a reset link, counted per e-mail and per IP whether or not the account exists,
  // so the limit says nothing about which e-mails have accounts.
  await sql`
    create table password_reset_requests (
      id bigserial primary key,
      email text not null,
      ip text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index password_reset_requests_email_idx on password_reset_requests (email, created_at)`.execute(
    db,
  );
  await sql`create index password_reset_requests_ip_idx on password_reset_requests (ip, created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists password_reset_requests`.execute(db);
  await sql`drop table if exists password_resets`.execute(db);
}
