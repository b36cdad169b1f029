import { readdirSync, readFileSync } from 'node:fs';
import { round } from './load.js';

/** What the service says about itself (/metrics) and the CPU each process used, per phase. */

export async function metricsText(url: string): Promise<string> {
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
export function slowBatches(
  before: string,
  after: string,
): { batches: number; over20: number; over50: number } {
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

export function printSteps(label: string, before: string, after: string): void {
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

export function cpuSnapshot(pids: { self: number; service: number; postmaster: number }) {
  return {
    gen: process.cpuUsage(),
    service: cpuSeconds(pids.service),
    pg: postgresCpu(pids.postmaster),
    at: performance.now(),
  };
}

export function printCpu(
  label: string,
  a: ReturnType<typeof cpuSnapshot>,
  b: ReturnType<typeof cpuSnapshot>,
): void {
  const wall = (b.at - a.at) / 1000;
  const gen = (b.gen.user + b.gen.system - a.gen.user - a.gen.system) / 1e6;
  const pct = (s: number) => `${Math.round((s / wall) * 100)}%`;
  console.log(
    `  CPU during ${label} (of one core): autocannon ${pct(gen)}, service ${pct(b.service - a.service)}, postgres ${pct(b.pg - a.pg)}`,
  );
}
