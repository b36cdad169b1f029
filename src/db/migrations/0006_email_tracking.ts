import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The site's public address and how per-visitor aliases are made (plus-addressing or a pool).
  await sql`
    create table email_tracking (
      project_id uuid primary key references projects(id) on delete cascade,
      public_address text not null,
      alias_mode text not null check (alias_mode in ('plus', 'pool')),
      pool_addresses text[] not null default '{}',
      hold_minutes integer not null default 30 check (hold_minutes between 1 and 10080),
      updated_at timestamptz not null default now()
    )`.execute(db);

  // Which visitor saw which alias, and when: a late e-mail is matched to who saw it then.
  // valid_to is null while the binding holds (plus aliases hold for ever; pool ones are released).
  await sql`
    create table email_aliases (
      id bigserial primary key,
      project_id uuid not null references projects(id) on delete cascade,
      alias text not null,
      visitor_id text not null,
      valid_from timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      valid_to timestamptz
    )`.execute(db);
  await sql`create index email_aliases_alias_idx on email_aliases (project_id, alias, valid_from desc)`.execute(
    db,
  );
  await sql`create index email_aliases_visitor_idx on email_aliases (project_id, visitor_id) where valid_to is null`.execute(
    db,
  );

  // Mailboxes read over IMAP; the password is sealed (AES-256-GCM, key from SECRET_KEY).
  await sql`
    create table mailboxes (
      id uuid primary key default gen_random_uuid(),
      project_id uuid not null references projects(id) on delete cascade,
      host text not null,
      port integer not null check (port between 1 and 65535),
      tls boolean not null,
      username text not null,
      password_enc text not null,
      folders text[] not null default '{INBOX}',
      since timestamptz not null,
      status text not null default 'pending' check (status in ('pending', 'connected', 'error')),
      status_message text,
      last_sync_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index mailboxes_project_idx on mailboxes (project_id)`.execute(db);

  // Where reading stopped, per folder: UIDs only mean something within one UIDVALIDITY.
  await sql`
    create table mailbox_folders (
      mailbox_id uuid not null references mailboxes(id) on delete cascade,
      folder text not null,
      uid_validity bigint not null,
      last_uid bigint not null default 0,
      primary key (mailbox_id, folder)
    )`.execute(db);

  // Every message taken in, once: its place (folder, UIDVALIDITY, UID), its Message-ID for
  // threads, and the lead it became or why it was ignored.
  await sql`
    create table email_messages (
      id bigserial primary key,
      mailbox_id uuid not null references mailboxes(id) on delete cascade,
      folder text not null,
      uid_validity bigint not null,
      uid bigint not null,
      message_id text,
      lead_id uuid references leads(id) on delete set null,
      ignored text,
      received_at timestamptz not null default now(),
      unique (mailbox_id, folder, uid_validity, uid)
    )`.execute(db);
  await sql`create index email_messages_message_id_idx on email_messages (message_id) where message_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['email_messages', 'mailbox_folders', 'mailboxes', 'email_aliases', 'email_tracking'])
    await db.schema.dropTable(t).ifExists().execute();
}
