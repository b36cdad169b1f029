import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { migrations } from './migrations/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema; migrations type their own view
type AnyKysely = Kysely<any>;

function migrator(db: AnyKysely): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Applies pending migrations; several processes starting at once are serialised by Kysely's lock. */
export async function migrateToLatest(db: AnyKysely): Promise<string[]> {
  const result: MigrationResultSet = await migrator(db).migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Known migrations not yet recorded as applied; a plain read, cheap enough for every /readyz. */
export async function pendingMigrations(db: AnyKysely): Promise<string[]> {
  const applied = await sql<{ name: string }>`select name from kysely_migration`
    .execute(db)
    .then((r) => new Set(r.rows.map((m) => m.name)))
    .catch(() => new Set<string>()); // no table yet: nothing applied
  return Object.keys(migrations).filter((name) => !applied.has(name));
}
