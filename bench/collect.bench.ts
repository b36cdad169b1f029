import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';
import { signUpOwner, startBareServer } from './baseline.js';

/**
 * `POST /collect` under load, against a bare node:http server answering 204 in the same run.
 *
 * - The service (role 'api') and the bare server each run in their own node process, as in
 *   production; autocannon runs in this one. PostgreSQL is the embedded one, started here in a
 *   temp dir (fsync and synchronous_commit as shipped), so this process can count rows after.
 * - Every request is a distinct, realistic page view: unique eid, ~2,000 visitors, a small site
 *   map with UTM-tagged landings (yandex/cpc, google/cpc, vk/social, Cyrillic campaign/term),
 *   internal navigations, search referrers and direct visits, `ga`/`ym` on some; sent the way the
 *   tracker sends it (text/plain JSON, page origin, desktop Chrome) through a proxy that sets
 *   X-Forwarded-For (TRUST_PROXY=true), so the GeoIP lookup does real work.
 * - Rounds (BENCH_ROUNDS, default 5), each: throughput, bare vs /collect back to back with the
 *   same connections and duration; then latency with autocannon's overallRate at half that
 *   round's /collect rate. The targets are judged on the medians of the rounds: this machine's
 *   own speed swings between runs (the bare baseline alone by ±30 %). Then, for reference, one
 *   open-loop evenly paced run at half the median rate (autocannon's overallRate is a
 *   per-connection, per-second quota: all connections burst at the top of each second).
 *   Each round also counts batch writes over 20 and 50 ms: on this machine the latency tail is
 *   the disk's flush stalls (a commit waits for its WAL flush), not the event loop.
 * - Durability: every eid answered 2xx must be in `hits`; every row in `hits` must be an eid that
 *   was answered 2xx or was still in flight when the load stopped (no answer: a tracker resends it).
 *
 * BENCH_SECONDS (default 10) sets each phase's duration, BENCH_CONNECTIONS (default 50) the
 * connections. BENCH_DIAG=1 adds PostgreSQL's time per statement and samples of what its backends
 * wait on, WAL volume and flush times (pg_stat_io) and the WAL records per hit (pg_walinspect);
 * BENCH_PROF=<dir> writes a CPU profile of the service. To compare settings in one place:
 * BENCH_SERVICE_FLAGS (node flags for the service, e.g. "--max-semi-space-size=32") and
 * BENCH_PG_FLAGS (PostgreSQL settings, e.g. "wal_sync_method=open_datasync").
 */

// ---------------------------------------------------------------- child processes

function childReady(url: string, stop: () => Promise<void>): void {
  process.on('message', async (m) => {
    if (m !== 'stop') return;
    await stop();
    process.send?.('stopped', () => process.exit(0));
  });
  process.send?.({ url });
}

async function runBareChild(): Promise<void> {
  const bare = await startBareServer();
  childReady(bare.url, bare.close);
}

async function runServiceChild(): Promise<void> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: process.env.BENCH_DATA_DIR,
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    LOG_LEVEL: 'error',
    TRUST_PROXY: 'true',
    SECRET_KEY: 'bench-secret-key-bench-secret-key-0123',
  });
  const service = await startService(config, createLogger(config), 'api');
  childReady(service.url ?? '', service.stop);
}

interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function startChild(kind: 'bare' | 'service', env: Record<string, string> = {}): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(process.argv[1] ?? '', [], {
      env: { ...process.env, ...env, BENCH_CHILD: kind },
      // BENCH_PROF=<dir>: a V8 CPU profile of the service process, to open in DevTools.
      // BENCH_SERVICE_FLAGS: extra node flags for the service only (e.g. GC settings to compare).
      execArgv:
        kind === 'service'
          ? [
              ...process.execArgv,
              ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
              ...(process.env.BENCH_SERVICE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
            ]
          : process.execArgv,
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} process exited (${code}) before it was ready`)));
    child.once('message', (m) => {
      child.removeAllListeners('exit');
      resolve({
        url: (m as { url: string }).url,
        pid: child.pid ?? 0,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.send('stop');
          }),
      });
    });
  });
}

// ---------------------------------------------------------------- realistic page views

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SITE = 'https://shop.ru';
const enc = encodeURIComponent;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

const PAGES = [
  '/',
  '/catalog/divany',
  '/catalog/divany/uglovye',
  '/catalog/divany/pryamye',
  '/catalog/krovati',
  '/catalog/shkafy-kupe',
  '/product/divan-milan-2041',
  '/product/divan-oslo-1187',
  '/product/krovat-lira-560',
  '/product/shkaf-kupe-nord-77',
  '/cart',
  '/checkout',
  '/contacts',
  '/dostavka-i-oplata',
  '/akcii',
  '/blog/kak-vybrat-divan',
  `/search?q=${enc('угловой диван')}`,
] as const;
const LANDINGS = [
  '/',
  '/catalog/divany',
  '/catalog/divany/uglovye',
  '/catalog/krovati',
  '/product/divan-milan-2041',
  '/akcii',
];

function utmLanding(): { url: string; ref: string } {
  const page = SITE + pick(LANDINGS);
  const r = Math.random();
  if (r < 0.45) {
    const campaign = pick(['диваны_москва_поиск', 'кровати_спб_рся', 'распродажа_март']);
    const term = pick(['купить угловой диван', 'диван недорого', 'кровать с подъёмным механизмом']);
    return {
      url: `${page}?utm_source=yandex&utm_medium=cpc&utm_campaign=${enc(campaign)}&utm_content=${digits(11)}&utm_term=${enc(term)}&yclid=${digits(19)}`,
      ref: 'https://yandex.ru/',
    };
  }
  if (r < 0.75) {
    const campaign = pick(['распродажа_кроватей', 'диваны_бренд', 'шкафы_купе_ремаркетинг']);
    const term = pick(['кровать двуспальная', 'шкаф купе на заказ', 'диван оттоманка']);
    return {
      url: `${page}?utm_source=google&utm_medium=cpc&utm_campaign=${enc(campaign)}&utm_term=${enc(term)}&gclid=${randomBytes(30).toString('base64url')}`,
      ref: 'https://www.google.com/',
    };
  }
  const campaign = pick(['весенняя_акция', 'новая_коллекция', 'конкурс_подписчиков']);
  return {
    url: `${page}?utm_source=vk&utm_medium=social&utm_campaign=${enc(campaign)}&utm_content=${enc(pick(['карусель_диваны', 'сторис_кровати']))}`,
    ref: pick(['https://vk.com/', 'https://m.vk.com/', '']),
  };
}

interface Visitor {
  cid: string;
  ip: string;
  ga?: string;
  ym?: string;
  screen: [number, number];
  last: string | null;
}

const SCREENS: Array<[number, number]> = [
  [1920, 1080],
  [1536, 864],
  [1366, 768],
  [2560, 1440],
  [1440, 900],
];
/** Public ranges of Russian ISPs (Rostelecom, MTS, Beeline, MegaFon, ER-Telecom…): real GeoIP hits. */
const NETS = ['95.24', '178.66', '188.162', '5.18', '46.39', '85.140', '176.59', '213.87', '31.173', '91.77'];
const visitors: Visitor[] = Array.from({ length: 2000 }, () => ({
  cid: randomBytes(16).toString('base64url'),
  ip: `${pick(NETS)}.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`,
  ga: Math.random() < 0.4 ? `${digits(10)}.${digits(10)}` : undefined,
  ym: Math.random() < 0.55 ? digits(19) : undefined,
  screen: pick(SCREENS),
  last: null,
}));

const eidPrefix = randomBytes(6).toString('base64url');
let eidCounter = 0;

/** One page view: a fresh random-looking eid (a counter keeps it unique), a visitor, a page. */
function pageView(siteKey: string): { eid: string; body: string; ip: string; url: string } {
  const v = pick(visitors);
  const r = Math.random();
  let url: string;
  let ref: string;
  if (v.last && r < 0.5) {
    url = SITE + pick(PAGES); // internal navigation from the previous page
    ref = v.last;
  } else if (r < 0.7) {
    ({ url, ref } = utmLanding());
  } else if (r < 0.85) {
    url = SITE + pick(LANDINGS); // organic search
    ref = pick(['https://www.google.com/', 'https://yandex.ru/', 'https://ya.ru/']);
  } else {
    url = SITE + pick(LANDINGS); // direct
    ref = '';
  }
  v.last = url;
  const eid = `${randomBytes(9).toString('base64url')}${eidPrefix}${(eidCounter++).toString(36)}`;
  const body: Record<string, unknown> = { v: 1, site: siteKey, type: 'pageview', eid, cid: v.cid, url, ref };
  if (v.ga) body.ga = v.ga;
  if (v.ym) body.ym = v.ym;
  body.sw = v.screen[0];
  body.sh = v.screen[1];
  body.lang = 'ru-RU';
  body.ts = Date.now();
  return { eid, body: JSON.stringify(body), ip: v.ip, url };
}

const BASE_HEADERS = {
  'content-type': 'text/plain;charset=UTF-8',
  origin: SITE,
  'user-agent': CHROME_UA,
  accept: '*/*',
  'accept-language': 'ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7',
  'sec-fetch-mode': 'no-cors',
  'sec-fetch-site': 'cross-site',
};

// ---------------------------------------------------------------- load and bookkeeping

interface Ledger {
  sent: Set<string>;
  ok: Set<string>;
  refused: Set<string>;
  status: Map<number, number>;
  latencies: number[]; // 2xx only, ms
}

const newLedger = (): Ledger => ({
  sent: new Set(),
  ok: new Set(),
  refused: new Set(),
  status: new Map(),
  latencies: [],
});

interface Run {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  /** autocannon's own figures (its coordinated-omission correction is applied when a rate is set) */
  acP50: number;
  acP99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  status: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const round = (x: number) => Math.round(x * 100) / 100;

function statusLine(l: Ledger): string {
  return [...l.status.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
}

async function cannon(
  label: string,
  url: string,
  siteKey: string,
  ledger: Ledger,
  opts: { seconds: number; connections: number; overallRate?: number },
): Promise<Run> {
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon(
      {
        url,
        duration: opts.seconds,
        connections: opts.connections,
        overallRate: opts.overallRate,
        requests: [
          {
            method: 'POST',
            path: '/collect',
            setupRequest(req: autocannon.Request, context: Record<string, unknown>) {
              const pv = pageView(siteKey);
              ledger.sent.add(pv.eid);
              context.eid = pv.eid;
              return {
                ...req,
                headers: { ...BASE_HEADERS, 'x-forwarded-for': pv.ip, referer: pv.url },
                body: pv.body,
              };
            },
            onResponse(status: number, _body: string, context: Record<string, unknown>) {
              const eid = context.eid as string;
              ledger.status.set(status, (ledger.status.get(status) ?? 0) + 1);
              if (status >= 200 && status < 300) ledger.ok.add(eid);
              else ledger.refused.add(eid);
            },
          } as autocannon.Request,
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    inst.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) ledger.latencies.push(responseTime);
    });
  });
  const sorted = ledger.latencies.slice().sort((a, b) => a - b);
  return {
    label,
    rps: Math.round(r.requests.average),
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    acP50: r.latency.p50,
    acP99: r.latency.p99,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    status: statusLine(ledger),
  };
}

/**
 * Open loop, evenly paced: request i is due at start + i/rate and its latency is measured from
 * when it was due (so a stalled server is not hidden by a stalled client).
 */
async function paced(
  label: string,
  url: string,
  siteKey: string,
  ledger: Ledger,
  rate: number,
  seconds: number,
): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL('/collect', url);
  const total = Math.round(rate * seconds);
  const start = performance.now() + 20;
  let inflight = 0;
  let errors = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  let issued = 0;
  const fire = (due: number) => {
    const pv = pageView(siteKey);
    ledger.sent.add(pv.eid);
    inflight++;
    const finish = () => {
      inflight--;
      if (issued === total && inflight === 0) done();
    };
    const req = httpRequest(
      target,
      {
        method: 'POST',
        agent,
        headers: {
          ...BASE_HEADERS,
          'x-forwarded-for': pv.ip,
          referer: pv.url,
          'content-length': Buffer.byteLength(pv.body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          ledger.status.set(status, (ledger.status.get(status) ?? 0) + 1);
          if (status >= 200 && status < 300) {
            ledger.ok.add(pv.eid);
            ledger.latencies.push(performance.now() - due);
          } else ledger.refused.add(pv.eid);
          finish();
        });
      },
    );
    req.on('error', () => {
      errors++;
      finish();
    });
    req.end(pv.body);
  };
  const tick = () => {
    const now = performance.now();
    while (issued < total && start + (issued * 1000) / rate <= now) {
      fire(start + (issued * 1000) / rate);
      issued++;
    }
    if (issued < total) setTimeout(tick, Math.max(0, start + (issued * 1000) / rate - performance.now()));
  };
  setTimeout(tick, 20);
  await finished;
  agent.destroy();
  const elapsed = (performance.now() - start) / 1000;
  const sorted = ledger.latencies.slice().sort((a, b) => a - b);
  const non2xx = [...ledger.status.entries()]
    .filter(([s]) => s < 200 || s >= 300)
    .reduce((a, [, n]) => a + n, 0);
  return {
    label,
    rps: Math.round(ledger.ok.size / elapsed),
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    acP50: Number.NaN,
    acP99: Number.NaN,
    ok: ledger.ok.size,
    non2xx,
    errors,
    timeouts: 0,
    status: statusLine(ledger),
  };
}

function printRuns(rows: Run[], bare: Run): void {
  console.log(
    'run'.padEnd(46),
    'req/s'.padStart(7),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'vs bare'.padStart(8),
    '2xx'.padStart(7),
    'non-2xx'.padStart(8),
    'err'.padStart(5),
    '  statuses',
  );
  for (const r of [bare, ...rows]) {
    console.log(
      r.label.padEnd(46),
      String(r.rps).padStart(7),
      String(r.p50).padStart(8),
      String(r.p99).padStart(8),
      (r.rps / bare.rps).toFixed(2).padStart(8),
      String(r.ok).padStart(7),
      String(r.non2xx).padStart(8),
      String(r.errors).padStart(5),
      ` ${r.status}`,
    );
  }
}

// ---------------------------------------------------------------- server-side observations

async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** sum and count of each `leadtrail_collect_step_seconds` step, and of /collect's request time */
function stepTotals(text: string): Map<string, { sum: number; count: number }> {
  const out = new Map<string, { sum: number; count: number }>();
  const add = (k: string, field: 'sum' | 'count', v: number) => {
    const cur = out.get(k) ?? { sum: 0, count: 0 };
    cur[field] += v;
    out.set(k, cur);
  };
  for (const line of text.split('\n')) {
    let m = /^leadtrail_collect_step_seconds_(sum|count)\{step="([^"]+)"\} (\S+)/.exec(line);
    if (m) add(m[2] as string, m[1] as 'sum' | 'count', Number(m[3]));
    m = /^leadtrail_http_request_duration_seconds_(sum|count)\{[^}]*route="\/collect"[^}]*\} (\S+)/.exec(
      line,
    );
    if (m) add('(http /collect total)', m[1] as 'sum' | 'count', Number(m[2]));
  }
  return out;
}

/** Batch writes in a phase and how many took over 20 and 50 ms (leadtrail_collect_batch_seconds). */
function slowBatches(before: string, after: string): { batches: number; over20: number; over50: number } {
  const bucket = (text: string, le: string) =>
    Number(
      new RegExp(
        `^leadtrail_collect_batch_seconds_bucket\\{le="${le.replace('+', '\\+')}"\\} (\\S+)`,
        'm',
      ).exec(text)?.[1] ?? 0,
    );
  const d = (le: string) => bucket(after, le) - bucket(before, le);
  const all = d('+Inf');
  return { batches: all, over20: all - d('0.02'), over50: all - d('0.05') };
}

function printSteps(label: string, before: string, after: string): void {
  const a = stepTotals(before);
  const b = stepTotals(after);
  const parts: string[] = [];
  for (const [step, t] of b) {
    const p = a.get(step) ?? { sum: 0, count: 0 };
    const n = t.count - p.count;
    if (n > 0) parts.push(`${step} ${round(((t.sum - p.sum) / n) * 1e6)} µs`);
  }
  console.log(`  server time per hit (${label}): ${parts.join(', ')}`);
  const lag = (name: string) =>
    round(
      Number(new RegExp(`^leadtrail_nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(after)?.[1]) *
        1000,
    );
  console.log(
    `  service event-loop delay (${label}): mean ${lag('mean')} ms, p99 ${lag('p99')} ms, max ${lag('max')} ms`,
  );
  const slow = slowBatches(before, after);
  console.log(
    `  batch writes (${label}): ${slow.batches}, of which over 20 ms ${slow.over20}, over 50 ms ${slow.over50}`,
  );
}

/** CPU seconds used by a process so far (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of every postgres process of this cluster (children of the postmaster). */
function postgresCpu(postmasterPid: number): number {
  let total = cpuSeconds(postmasterPid);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmasterPid) total += cpuSeconds(Number(d));
    } catch {
      // gone
    }
  }
  return total;
}

function cpuSnapshot(pids: { self: number; service: number; postmaster: number }) {
  return {
    gen: process.cpuUsage(),
    service: cpuSeconds(pids.service),
    pg: postgresCpu(pids.postmaster),
    at: performance.now(),
  };
}

function printCpu(label: string, a: ReturnType<typeof cpuSnapshot>, b: ReturnType<typeof cpuSnapshot>): void {
  const wall = (b.at - a.at) / 1000;
  const gen = (b.gen.user + b.gen.system - a.gen.user - a.gen.system) / 1e6;
  const pct = (s: number) => `${Math.round((s / wall) * 100)}%`;
  console.log(
    `  CPU during ${label} (of one core): autocannon ${pct(gen)}, service ${pct(b.service - a.service)}, postgres ${pct(b.pg - a.pg)}`,
  );
}

/** What one round trip and one durable commit cost on this machine right now. */
async function databaseFloor(
  connectionString: string,
): Promise<{ rtt: number; commit: number; commitP99: number }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('create table bench_probe (x int)');
    const rtts: number[] = [];
    const commits: number[] = [];
    for (let i = 0; i < 200; i++) {
      let t = performance.now();
      await client.query('select 1');
      rtts.push(performance.now() - t);
      t = performance.now();
      await client.query('begin');
      await client.query('insert into bench_probe values (1)');
      await client.query('commit');
      commits.push(performance.now() - t);
    }
    await client.query('drop table bench_probe');
    rtts.sort((a, b) => a - b);
    commits.sort((a, b) => a - b);
    return {
      rtt: round(percentile(rtts, 50)),
      commit: round(percentile(commits, 50)),
      commitP99: round(percentile(commits, 99)),
    };
  } finally {
    await client.end();
  }
}

/**
 * BENCH_DIAG=1: samples what the service's PostgreSQL backends are doing every few ms (state,
 * wait event, statement), to see where a batch's time goes. Off by default: it costs CPU.
 */
function sampleBackends(connectionString: string): { stop(): Promise<Map<string, number>> } {
  const counts = new Map<string, number>();
  const client = new pg.Client({ connectionString });
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const r = await client.query<{ what: string }>(
        `select state || coalesce(' [' || wait_event_type || ':' || wait_event || ']', '') ||
           case when state = 'active' then ' ' || regexp_replace(left(query, 60), '\\s+', ' ', 'g') else '' end as what
         from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
           and state <> 'idle'`,
      );
      for (const row of r.rows) counts.set(row.what, (counts.get(row.what) ?? 0) + 1);
      counts.set('(samples)', (counts.get('(samples)') ?? 0) + 1);
      await new Promise((res) => setTimeout(res, 5));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return counts;
    },
  };
}

async function withClient<T>(connectionString: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** BENCH_DIAG=1: PostgreSQL's own time per statement since start (pg_stat_statements), per hit. */
async function printStatements(connectionString: string, hits: number): Promise<void> {
  const rows = await withClient(connectionString, (c) =>
    c.query<{ q: string; calls: string; total: number; plan: number; mean: number }>(
      `select regexp_replace(left(query, 70), '\\s+', ' ', 'g') as q, calls, total_exec_time as total,
         total_plan_time as plan, mean_exec_time as mean
       from pg_stat_statements order by total_exec_time desc limit 12`,
    ),
  );
  console.log(`  PostgreSQL time by statement (since start; per hit of this phase's ${hits}):`);
  for (const r of rows.rows)
    console.log(
      `    ${r.total.toFixed(0).padStart(7)} ms  ${((r.total * 1000) / Math.max(1, hits)).toFixed(0).padStart(5)} µs/hit  ${String(r.calls).padStart(6)} calls  mean ${r.mean.toFixed(2)} ms  ${r.q}`,
    );
}

interface WalIo {
  lsn: string;
  writes: number;
  bytes: number;
  writeMs: number;
  fsyncs: number;
  fsyncMs: number;
}

/** BENCH_DIAG=1: PostgreSQL's WAL writes and flushes so far (pg_stat_io, timed). */
async function walIo(connectionString: string): Promise<WalIo> {
  const r = await withClient(connectionString, (c) =>
    c.query<WalIo>(
      `select pg_current_wal_lsn()::text as lsn, coalesce(sum(writes), 0)::float8 as writes, coalesce(sum(write_bytes), 0)::float8 as bytes,
         coalesce(sum(write_time), 0)::float8 as "writeMs", coalesce(sum(fsyncs), 0)::float8 as fsyncs,
         coalesce(sum(fsync_time), 0)::float8 as "fsyncMs"
       from pg_stat_io where object = 'wal'`,
    ),
  );
  return r.rows[0] as WalIo;
}

/** BENCH_DIAG=1: which WAL records made the bytes between two positions (pg_walinspect). */
async function printWalRecords(connectionString: string, from: string, to: string, hits: number) {
  const r = await withClient(connectionString, (c) =>
    c.query<{ kind: string; count: number; rec: number; fpi: number }>(
      `select "resource_manager/record_type" as kind, count::float8, record_size::float8 as rec,
         fpi_size::float8 as fpi
       from pg_get_wal_stats($1::pg_lsn, $2::pg_lsn, true) order by combined_size desc limit 10`,
      [from, to],
    ),
  );
  console.log('  WAL records per hit (count, record bytes, full-page-image bytes):');
  for (const x of r.rows)
    console.log(
      `    ${x.kind.padEnd(28)} ${round(x.count / hits)
        .toString()
        .padStart(6)}  ${round(x.rec / hits)
        .toString()
        .padStart(8)}  ${round(x.fpi / hits)
        .toString()
        .padStart(8)}`,
    );
}

function printWal(a: WalIo, b: WalIo, hits: number, seconds: number): void {
  const fsyncs = b.fsyncs - a.fsyncs;
  console.log(
    `  WAL: ${round((b.bytes - a.bytes) / Math.max(1, hits))} bytes/hit, ${round((b.bytes - a.bytes) / seconds / 1e6)} MB/s; ` +
      `${round(fsyncs / seconds)} flushes/s, ${round((b.fsyncMs - a.fsyncMs) / Math.max(1, fsyncs))} ms per flush ` +
      `(${round(((b.fsyncMs - a.fsyncMs) / (seconds * 1000)) * 100)} % of the time); ` +
      `${round((b.writeMs - a.writeMs) / Math.max(1, b.writes - a.writes))} ms per write`,
  );
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
  const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
  const dataDir = mkdtempSync(join(tmpdir(), 'leadtrail-bench-'));
  const logger = createLogger(
    loadConfig({ LOG_LEVEL: 'error', DATA_DIR: dataDir, SECRET_KEY: 'x'.repeat(32) }),
  );
  const diag = Boolean(process.env.BENCH_DIAG);
  const pgServer = await startEmbeddedPostgres({
    dataDir,
    port: 0,
    logger,
    shareRunning: false,
    // BENCH_PG_FLAGS: PostgreSQL settings to compare, e.g. "wal_sync_method=open_datasync commit_delay=100".
    extraFlags: [
      ...(process.env.BENCH_PG_FLAGS?.split(/\s+/)
        .filter(Boolean)
        .flatMap((f) => ['-c', f]) ?? []),
      ...(diag
        ? [
            '-c',
            'shared_preload_libraries=pg_stat_statements',
            '-c',
            'pg_stat_statements.track=all',
            '-c',
            'track_wal_io_timing=on',
          ]
        : []),
    ],
  });
  if (diag)
    await withClient(pgServer.connectionString, (c) =>
      c.query('create extension pg_stat_statements; create extension pg_walinspect'),
    );
  const postmaster = Number.parseInt(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8'), 10);
  const children: Child[] = [];
  let exitCode = 0;
  try {
    const service = await startChild('service', {
      BENCH_DATA_DIR: dataDir,
      BENCH_DATABASE_URL: pgServer.connectionString,
    });
    children.push(service);
    const url = service.url;
    const auth = await signUpOwner(url);
    const created = await fetch(`${url}/api/v1/projects`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Магазин мебели', domains: ['shop.ru'] }),
    });
    if (created.status !== 201) throw new Error(`project: ${created.status} ${await created.text()}`);
    const { siteKey, id: projectId } = (await created.json()) as { siteKey: string; id: string };

    // Sanity: one page view is stored (not dropped as a bot, not refused).
    const probe = pageView(siteKey);
    const probeRes = await fetch(`${url}/collect`, {
      method: 'POST',
      headers: { ...BASE_HEADERS, 'x-forwarded-for': probe.ip },
      body: probe.body,
    });
    if (probeRes.status !== 204) throw new Error(`probe: ${probeRes.status} ${await probeRes.text()}`);
    const pids = { self: process.pid, service: service.pid, postmaster };
    const floor = await databaseFloor(pgServer.connectionString);

    console.log(
      `machine: ${cpus().length} CPU (${cpus()[0]?.model.trim()}), node ${process.version}, load avg ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `phases of ${SECONDS} s, ${CONNECTIONS} connections; service, bare server and autocannon in separate processes`,
    );
    console.log(
      `database floor: round trip (select 1) p50 ${floor.rtt} ms; durable commit of a one-row insert p50 ${floor.commit} ms, p99 ${floor.commitP99} ms`,
    );

    // Rounds: bare and /collect back to back, then /collect at half that round's rate, repeated,
    // so one slow or fast moment of the machine does not decide the result (medians are judged).
    const bareProc = await startChild('bare');
    children.push(bareProc);
    await cannon('warm-up bare', bareProc.url, siteKey, newLedger(), {
      seconds: 1,
      connections: CONNECTIONS,
    });
    // Every load's answers, by name, for the durability count at the end.
    const ledgers = new Map<string, Ledger>();
    const ledger = (name: string) => {
      const l = newLedger();
      ledgers.set(name, l);
      return l;
    };
    // Long enough for the JIT, the caches and PostgreSQL's buffers to settle before round 1.
    await cannon('warm-up /collect', url, siteKey, ledger('warm'), { seconds: 3, connections: CONNECTIONS });
    await new Promise((r) => setTimeout(r, 500));
    const rounds: Array<{
      bare: Run;
      full: Run;
      half: Run;
      halfRate: number;
      slow: ReturnType<typeof slowBatches>;
    }> = [];
    const fulls: Run[] = [];
    const halves: Run[] = [];
    let m0 = '';
    let m1 = '';
    let c0 = cpuSnapshot(pids);
    let c1 = c0;
    for (let round = 1; round <= ROUNDS; round++) {
      const bare = await cannon(`bare node:http (204), round ${round}`, bareProc.url, siteKey, newLedger(), {
        seconds: SECONDS,
        connections: CONNECTIONS,
      });
      await new Promise((r) => setTimeout(r, 500));
      m0 = await metricsText(url);
      c0 = cpuSnapshot(pids);
      const sampler =
        process.env.BENCH_DIAG && round === 1 ? sampleBackends(pgServer.connectionString) : null;
      const wal0 = sampler ? await walIo(pgServer.connectionString) : null;
      const full = await cannon(
        `POST /collect (${CONNECTIONS} conn), round ${round}`,
        url,
        siteKey,
        ledger(`full ${round}`),
        {
          seconds: SECONDS,
          connections: CONNECTIONS,
        },
      );
      c1 = cpuSnapshot(pids);
      m1 = await metricsText(url);
      console.log(`\nRound ${round}, phase 1: throughput`);
      printRuns([full], bare);
      printSteps('phase 1', m0, m1);
      printCpu('phase 1', c0, c1);
      if (sampler) {
        if (wal0) {
          const wal1 = await walIo(pgServer.connectionString);
          printWal(wal0, wal1, full.ok, SECONDS);
          await printWalRecords(pgServer.connectionString, wal0.lsn, wal1.lsn, full.ok);
        }
        await printStatements(pgServer.connectionString, full.ok);
        const counts = await sampler.stop();
        const samples = counts.get('(samples)') ?? 1;
        counts.delete('(samples)');
        console.log(`  non-idle service backends, share of ${samples} samples:`);
        for (const [what, n] of [...counts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 14))
          console.log(`    ${((n / samples) * 100).toFixed(1).padStart(5)}%  ${what}`);
      }
      const halfRate = Math.max(1, Math.round(full.rps / 2));
      await new Promise((r) => setTimeout(r, 1000));
      m0 = await metricsText(url);
      c0 = cpuSnapshot(pids);
      const half = await cannon(
        `POST /collect, overallRate ${halfRate}/s, round ${round}`,
        url,
        siteKey,
        ledger(`half ${round}`),
        {
          seconds: SECONDS,
          connections: CONNECTIONS,
          overallRate: halfRate,
        },
      );
      c1 = cpuSnapshot(pids);
      m1 = await metricsText(url);
      console.log(`Round ${round}, phase 2: latency at half the round's rate (${halfRate}/s)`);
      printRuns([half], bare);
      console.log(
        `  autocannon's own p50/p99 (with its coordinated-omission correction): ${half.acP50}/${half.acP99} ms`,
      );
      printSteps('overallRate', m0, m1);
      printCpu('overallRate', c0, c1);
      rounds.push({ bare, full, half, halfRate, slow: slowBatches(m0, m1) });
      fulls.push(full);
      halves.push(half);
    }
    await bareProc.stop();
    children.splice(children.indexOf(bareProc), 1);

    // For reference: an evenly paced open loop at half the median rate.
    const medianOf = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
    const paceRate = Math.max(1, Math.round(medianOf(fulls.map((f) => f.rps)) / 2));
    await new Promise((r) => setTimeout(r, 1000));
    const m2 = await metricsText(url);
    const c2 = cpuSnapshot(pids);
    const pace = await paced(
      `POST /collect, paced open loop ${paceRate}/s`,
      url,
      siteKey,
      ledger('paced'),
      paceRate,
      SECONDS,
    );
    const c3 = cpuSnapshot(pids);
    const m3 = await metricsText(url);
    console.log(`\nReference: paced open loop at ${paceRate}/s`);
    printRuns([pace], rounds[0]?.bare ?? pace);
    printSteps('paced', m2, m3);
    printCpu('paced', c2, c3);

    // Durability: stop the service (it drains), then look at the table.
    await service.stop();
    children.splice(children.indexOf(service), 1);
    const client = new pg.Client({ connectionString: pgServer.connectionString });
    await client.connect();
    let stored: Map<string, string>;
    try {
      const rows = await client.query<{ eid: string; tx: string }>(
        'select eid, xmin::text as tx from hits where project_id = $1',
        [projectId],
      );
      stored = new Map(rows.rows.map((r) => [r.eid, r.tx]));
    } finally {
      await client.end();
    }
    stored.delete(probe.eid);
    console.log('\nDurability (rows in hits after the service stopped)');
    let acknowledged = 0;
    let missing = 0;
    let inFlightStored = 0;
    let refusedStored = 0;
    for (const [name, l] of ledgers) {
      const lostHere = [...l.ok].filter((e) => !stored.has(e)).length;
      const unanswered = [...l.sent].filter((e) => !l.ok.has(e) && !l.refused.has(e));
      const unansweredStored = unanswered.filter((e) => stored.has(e)).length;
      const refusedHere = [...l.refused].filter((e) => stored.has(e)).length;
      const txs = new Set([...l.ok].map((e) => stored.get(e)).filter(Boolean));
      acknowledged += l.ok.size;
      missing += lostHere;
      inFlightStored += unansweredStored;
      refusedStored += refusedHere;
      console.log(
        `  ${name.padEnd(7)} sent ${l.sent.size}, 2xx ${l.ok.size}, non-2xx ${l.refused.size}, no answer ${unanswered.length}` +
          ` (stored anyway ${unansweredStored}); acknowledged but missing ${lostHere};` +
          ` ${txs.size} write transactions, ${round(l.ok.size / Math.max(1, txs.size))} hits per batch`,
      );
    }
    const sentAll = new Set([...ledgers.values()].flatMap((l) => [...l.sent]));
    const foreign = [...stored.keys()].filter((e) => !sentAll.has(e)).length;
    console.log(
      `hits acknowledged: ${acknowledged}, hits stored: ${stored.size}` +
        ` (= acknowledged ${acknowledged - missing} + in flight when the load stopped ${inFlightStored}` +
        ` + answered non-2xx ${refusedStored} + unknown ${foreign})`,
    );
    const durable =
      missing === 0 && refusedStored === 0 && foreign === 0 && stored.size === acknowledged + inFlightStored;
    if (!durable) {
      console.error('DURABILITY FAILURE: acknowledged hits and stored hits differ');
      exitCode = 1;
    }

    // Summary: every round, and the medians the targets are judged on.
    const ratios = rounds.map((r) => r.full.rps / r.bare.rps);
    const p99s = rounds.map((r) => r.half.p99);
    const ratio = medianOf(ratios);
    const p99 = medianOf(p99s);
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log('\nSummary');
    console.log(
      `  machine: ${cpus().length} CPUs, node ${process.version}, ${ROUNDS} rounds of ${SECONDS} s phases, ${CONNECTIONS} connections`,
    );
    for (const [i, r] of rounds.entries())
      console.log(
        `  round ${i + 1}: /collect ${r.full.rps} vs bare ${r.bare.rps} req/s = ${ratios[i]?.toFixed(2)}; p99 ${r.half.p99} ms at ${r.halfRate} req/s (overallRate); batch writes over 20 ms ${r.slow.over20}, over 50 ms ${r.slow.over50} of ${r.slow.batches}`,
      );
    console.log(`  throughput  median ratio ${ratio.toFixed(2)} (target ≥ 0.30)   ${verdict(ratio >= 0.3)}`);
    console.log(`  latency     median p99 at half rate ${p99} ms (target ≤ 50 ms)   ${verdict(p99 <= 50)}`);
    console.log(
      `              p99 ${pace.p99} ms at ${paceRate} req/s paced open loop (reference)        ${verdict(pace.p99 <= 50)}`,
    );
    console.log(
      `  durability  acknowledged ${acknowledged}, stored ${stored.size}, acknowledged-but-missing ${missing}        ${durable ? 'PASS' : 'FAIL'}`,
    );
    const non2xx = [...fulls, ...halves, pace].reduce((n, r) => n + r.non2xx, 0);
    console.log(`  non-2xx     ${non2xx}`);
    process.exitCode = exitCode;
  } finally {
    for (const c of children) await c.stop().catch(() => undefined);
    await pgServer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Dispatch last: the module-level constants above must be initialised first.
const CHILD = process.env.BENCH_CHILD;
if (CHILD === 'bare') await runBareChild();
else if (CHILD === 'service') await runServiceChild();
else await main();
