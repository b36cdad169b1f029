import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createDb, type Db } from './connection.js';
import { type EmbeddedServer, startEmbeddedPostgres } from './embedded.js';

export interface OpenDatabase {
  db: Db;
  /** true when this process started the embedded server (and so must stop it) */
  embedded: boolean;
  close(): Promise<void>;
}

/** The configured PostgreSQL, or the embedded one in DATA_DIR when DATABASE_URL is absent. */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'embeddedPgPort'>,
  logger: Logger,
  opts: { shareRunning: boolean },
): Promise<OpenDatabase> {
  let server: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    server = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPgPort,
      logger,
      shareRunning: opts.shareRunning,
    });
    url = server.connectionString;
  }
  const { db } = createDb(url);
  return {
    db,
    embedded: server?.owned ?? false,
    close: async () => {
      await db.destroy();
      await server?.stop();
    },
  };
}
