import pg from 'pg';
import { percentile, round } from './load.js';

/** PostgreSQL's side: the machine's floor, and with BENCH_DIAG=1 statements, waits and WAL. */

/** What one round trip and one durable commit cost on this machine right now. */
export async function databaseFloor(
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
export function sampleBackends(connectionString: string): { stop(): Promise<Map<string, number>> } {
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

export async function withClient<T>(connectionString: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** BENCH_DIAG=1: PostgreSQL's own time per statement since start (pg_stat_statements), per hit. */
export async function printStatements(connectionString: string, hits: number): Promise<void> {
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

export interface WalIo {
  lsn: string;
  writes: number;
  bytes: number;
  writeMs: number;
  fsyncs: number;
  fsyncMs: number;
}

/** BENCH_DIAG=1: PostgreSQL's WAL writes and flushes so far (pg_stat_io, timed). */
export async function walIo(connectionString: string): Promise<WalIo> {
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
export async function printWalRecords(connectionString: string, from: string, to: string, hits: number) {
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

export function printWal(a: WalIo, b: WalIo, hits: number, seconds: number): void {
  const fsyncs = b.fsyncs - a.fsyncs;
  console.log(
    `  WAL: ${round((b.bytes - a.bytes) / Math.max(1, hits))} bytes/hit, ${round((b.bytes - a.bytes) / seconds / 1e6)} MB/s; ` +
      `${round(fsyncs / seconds)} flushes/s, ${round((b.fsyncMs - a.fsyncMs) / Math.max(1, fsyncs))} ms per flush ` +
      `(${round(((b.fsyncMs - a.fsyncMs) / (seconds * 1000)) * 100)} % of the time); ` +
      `${round((b.writeMs - a.writeMs) / Math.max(1, b.writes - a.writes))} ms per write`,
  );
}
