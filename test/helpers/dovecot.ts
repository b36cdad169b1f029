import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { appendFile, chmod, chown, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { config, identity } from './dovecot-config.js';
import { freePort } from './server.js';
import { until } from './until.js';

const run = promisify(execFile);

function onPath(name: string, extra: string[]): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extra].filter(Boolean);
  for (const d of dirs) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return null;
}

export const DOVECOT = process.env.DOVECOT_PATH ?? onPath('dovecot', ['/usr/sbin', '/usr/local/sbin']);
const DOVEADM = DOVECOT
  ? (onPath('doveadm', [dirname(DOVECOT), '/usr/bin', '/usr/local/bin']) ?? null)
  : null;

/**
 * Mailbox tests need Debian's Dovecot (dovecot-imapd). Where it is missing they are skipped with a
 * visible note, unless REQUIRE_DOVECOT or CI is set: then a missing Dovecot fails the run.
 */
export const dovecotAvailable = Boolean(DOVECOT && DOVEADM);
if (!dovecotAvailable) {
  if (process.env.REQUIRE_DOVECOT || process.env.CI)
    throw new Error('REQUIRE_DOVECOT or CI is set but dovecot/doveadm are not installed');
  console.warn('mailbox tests skipped: dovecot not found (apt-get install dovecot-imapd)');
}

export interface DovecotUser {
  user: string;
  password: string;
}

export interface BulkMessage {
  raw: string | Buffer;
  /** INTERNALDATE (the file's mtime); default now */
  date?: Date;
  seen?: boolean;
}

export interface StoredMessage {
  uid: number;
  flags: string[];
  internalDate: Date;
  messageId: string | null;
}

export interface TestDovecot {
  host: string;
  /** plain IMAP (STARTTLS offered, not required) */
  port: number;
  /** IMAP over TLS with a self-signed certificate for 127.0.0.1 / localhost */
  tlsPort: number;
  /** PEM of that certificate, to trust it as a CA */
  certificate: string;
  users: DovecotUser[];
  addUser(user: string, password: string): Promise<void>;
  /** IMAP APPEND as the user (unseen unless flags say so); creates the folder if missing */
  append(
    user: string,
    folder: string,
    rawMessage: string | Buffer,
    opts?: { date?: Date; flags?: string[] },
  ): Promise<{ uid: number; uidValidity: number }>;
  /** writes maildir files directly (fast: thousands per second), then has Dovecot index them */
  bulkAppend(user: string, folder: string, messages: BulkMessage[]): Promise<void>;
  /** what the folder holds, flags included (read-only look) */
  list(user: string, folder: string): Promise<StoredMessage[]>;
  /** renumbers the folder (new UIDVALIDITY), as after a server migration */
  setUidValidity(user: string, folder: string, uidValidity: number): Promise<void>;
  /** Dovecot's own log so far */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A private Dovecot for one test file: a temp directory with its config, users (passwd-file),
 * maildirs and a self-signed certificate; IMAP and IMAPS on free loopback ports; run in the
 * foreground as a child process. Never touches a system-wide Dovecot.
 */
export async function startDovecot(opts: { users?: DovecotUser[] } = {}): Promise<TestDovecot> {
  if (!DOVECOT || !DOVEADM) throw new Error('dovecot is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'leadtrail-dovecot-'));
  // Dovecot's unprivileged processes read the passwd file and certificate from here.
  await chmod(dir, 0o755);
  const id = identity();
  const mailRoot = join(dir, 'mail');
  await mkdir(mailRoot);
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'state'));
  if (process.getuid?.() === 0) await chown(mailRoot, id.uid, id.gid);

  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  await chmod(join(dir, 'key.pem'), 0o644);
  const certificate = await readFile(join(dir, 'cert.pem'), 'utf8');

  const users: DovecotUser[] = [
    ...(opts.users ?? [{ user: 'leads@shop.test', password: `secret-${randomBytes(6).toString('hex')}` }]),
  ];
  const passwdFile = join(dir, 'passwd');
  const passwdLine = (u: DovecotUser) => {
    if (/[:\n]/.test(u.user + u.password)) throw new Error('user names and passwords must not contain ":"');
    return `${u.user}:{PLAIN}${u.password}:${id.uid}:${id.gid}::${join(mailRoot, u.user)}::\n`;
  };
  await writeFile(passwdFile, users.map(passwdLine).join(''), { mode: 0o644 });
  const confFile = join(dir, 'dovecot.conf');

  let child: ChildProcess | null = null;
  let port = 0;
  let tlsPort = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    tlsPort = await freePort();
    await writeFile(confFile, config({ dir, mailRoot, passwdFile, port, tlsPort, id }));
    child = spawn(DOVECOT, ['-c', confFile, '-F'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    const ready = Promise.all([waitForPort(port), waitForPort(tlsPort)]).then(() => 'ready' as const);
    const outcome = await Promise.race([ready, exited.then(() => 'exited' as const)]);
    if (outcome === 'ready') break;
    const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
    // Another process took a port between freePort() and Dovecot's bind: try other ports.
    if (attempt < 3 && /Address already in use/.test(log + output)) continue;
    await rm(dir, { recursive: true, force: true });
    throw new Error(`dovecot did not start:\n${output}\n${log}`);
  }
  const master = child;
  const killOnExit = () => master.kill('SIGKILL');
  process.once('exit', killOnExit);

  const clients = new Map<string, ImapFlow>();
  const clientFor = async (user: string): Promise<ImapFlow> => {
    const cached = clients.get(user);
    if (cached?.usable) return cached;
    const u = users.find((x) => x.user === user);
    if (!u) throw new Error(`no such test user ${user}`);
    const c = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: u.user, pass: u.password },
      logger: false,
      disableAutoIdle: true,
    });
    c.on('error', () => undefined);
    await c.connect();
    clients.set(user, c);
    return c;
  };

  const maildir = async (user: string, folder: string): Promise<string> => {
    if (folder !== 'INBOX' && /[./]/.test(folder)) throw new Error('bulkAppend: use a flat folder name');
    const userDir = join(mailRoot, user);
    const path = folder === 'INBOX' ? userDir : join(userDir, `.${folder}`);
    for (const d of [userDir, path, join(path, 'cur'), join(path, 'new'), join(path, 'tmp')]) {
      await mkdir(d, { recursive: true, mode: 0o700 });
      if (process.getuid?.() === 0) await chown(d, id.uid, id.gid);
    }
    if (folder !== 'INBOX') await writeFile(join(path, 'maildirfolder'), '');
    return path;
  };

  const created = new Set<string>();
  let passwdStamp = Math.floor(Date.now() / 1000);
  const doveadm = (...args: string[]) => run(DOVEADM, ['-c', confFile, ...args]);
  let seq = 0;

  return {
    host: '127.0.0.1',
    port,
    tlsPort,
    certificate,
    users,
    addUser: async (user, password) => {
      const u = { user, password };
      await appendFile(passwdFile, passwdLine(u));
      // Dovecot looks at the passwd file at most once a second (and by its mtime, in seconds):
      // bump the mtime and wait until a login would work. Users given to startDovecot need no wait.
      passwdStamp = Math.max(Math.floor(Date.now() / 1000), passwdStamp + 1);
      await utimes(passwdFile, passwdStamp, passwdStamp);
      const knows = () =>
        doveadm('auth', 'test', '-x', 'service=imap', user, password).then(
          () => true,
          () => false,
        );
      await until(`dovecot to know ${user}`, knows, { timeout: 5_000, interval: 100 });
      users.push(u);
    },
    append: async (user, folder, raw, o = {}) => {
      const c = await clientFor(user);
      if (folder !== 'INBOX' && !created.has(`${user}\n${folder}`)) {
        await c.mailboxCreate(folder).catch((err: { serverResponseCode?: string; response?: string }) => {
          if (err.serverResponseCode !== 'ALREADYEXISTS') throw new Error(`CREATE failed: ${err.response}`);
        });
        created.add(`${user}\n${folder}`);
      }
      const body = typeof raw === 'string' ? Buffer.from(raw) : raw;
      const res = await c.append(folder, body, o.flags ?? [], o.date).catch((err: { response?: string }) => {
        throw new Error(`APPEND failed: ${err.response ?? String(err)}`);
      });
      if (res === false || !res.uid) throw new Error('APPEND gave no UID');
      return { uid: res.uid, uidValidity: Number(res.uidValidity) };
    },
    bulkAppend: async (user, folder, messages) => {
      const path = await maildir(user, folder);
      const root = process.getuid?.() === 0;
      const write = async (m: BulkMessage) => {
        const body = typeof m.raw === 'string' ? Buffer.from(m.raw) : m.raw;
        const date = m.date ?? new Date();
        const n = ++seq;
        // Named by time first: Dovecot numbers new files in name order.
        const name = `${Math.floor(date.getTime() / 1000)}.M${String(n).padStart(6, '0')}P${process.pid}.leadtrail,S=${body.length}:2,${m.seen ? 'S' : ''}`;
        const file = join(path, 'cur', name);
        await writeFile(file, body, { mode: 0o600 });
        await utimes(file, date, date);
        if (root) await chown(file, id.uid, id.gid);
      };
      const queue = [...messages];
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let m = queue.shift(); m; m = queue.shift()) await write(m);
        }),
      );
      // Let Dovecot find and number them now.
      await doveadm('mailbox', 'status', '-u', user, 'messages', folder);
    },
    list: async (user, folder) => {
      const c = await clientFor(user);
      await c.mailboxOpen(folder, { readOnly: true });
      const out: StoredMessage[] = [];
      for (const m of await c.fetchAll('1:*', {
        uid: true,
        flags: true,
        internalDate: true,
        envelope: true,
      })) {
        out.push({
          uid: m.uid,
          flags: [...(m.flags ?? [])],
          internalDate: new Date(m.internalDate ?? 0),
          messageId: m.envelope?.messageId ?? null,
        });
      }
      await c.mailboxClose();
      return out;
    },
    setUidValidity: async (user, folder, uidValidity) => {
      // A session of ours with the folder open would keep the old numbering in its view.
      for (const c of clients.values()) c.close();
      clients.clear();
      await doveadm('mailbox', 'update', '-u', user, '--uid-validity', String(uidValidity), folder);
    },
    log: () => readFile(join(dir, 'dovecot.log'), 'utf8'),
    stop: async () => {
      for (const c of clients.values()) c.close();
      clients.clear();
      process.off('exit', killOnExit);
      if (master.exitCode === null && master.signalCode === null) {
        const exited = new Promise((resolve) => master.once('exit', resolve));
        master.kill('SIGTERM');
        const timer = setTimeout(() => master.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const listens = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      const answer = (up: boolean) => {
        s.destroy();
        resolve(up);
      };
      s.once('connect', () => answer(true));
      s.once('error', () => answer(false));
    });
  await until(`something to listen on ${port}`, listens, timeoutMs);
}
