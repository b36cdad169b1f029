import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { BASE_HEADERS, pageView } from './page-views.js';

/** Load on /collect (autocannon, or an evenly paced open loop) and the ledger of what was answered. */

export interface Ledger {
  sent: Set<string>;
  ok: Set<string>;
  refused: Set<string>;
  status: Map<number, number>;
  latencies: number[]; // 2xx only, ms
}

export const newLedger = (): Ledger => ({
  sent: new Set(),
  ok: new Set(),
  refused: new Set(),
  status: new Map(),
  latencies: [],
});

export interface Run {
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

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const round = (x: number) => Math.round(x * 100) / 100;

function statusLine(l: Ledger): string {
  return [...l.status.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
}

export async function cannon(
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
export async function paced(
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

export function printRuns(rows: Run[], bare: Run): void {
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
