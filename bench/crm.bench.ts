import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAmo } from '../fakes/amocrm/server.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';
import { signUpOwner } from './baseline.js';

/**
 * Lead → amoCRM deal, end to end: leads posted to the lead API, deals created by the worker in
 * the fake amoCRM, which enforces amoCRM's 7 requests a second (and answers 429 beyond it).
 *
 * - Phase 1: one lead a second (BENCH_SECONDS, default 30): lead-to-deal latency p50/p95/max.
 *   Target p95 ≤ 2 s.
 * - Phase 2: a burst of BENCH_LEADS (default 500) leads posted at once: time until the last deal
 *   exists. Target ≤ 20 s. Baseline in the same run: the time the same leads need at 7
 *   requests a second when each lead costs one request (no batching), and the burst measured
 *   with batching switched off is not run (it would take that long by construction).
 * Latency = from the moment the lead API answered to the moment the deal is first seen in the
 * fake (polled every 10 ms in this process). Everything runs in one process on the embedded
 * PostgreSQL.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const LEADS = Number(process.env.BENCH_LEADS ?? 500);

const dataDir = mkdtempSync(join(tmpdir(), 'leadtrail-bench-crm-'));
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
  SECRET_KEY: 'bench-secret-key-bench-secret-key-0123',
  ALLOW_CUSTOM_INTEGRATION_HOSTS: 'true',
});
const amo = await startFakeAmo();
const service = await startService(config, createLogger(config), 'all');
const url = service.url ?? '';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};
const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;

/** When each deal (by name) was first seen in the fake. */
const seen = new Map<string, number>();
const watcher = setInterval(() => {
  for (const l of amo.state.entities.leads.values())
    if (!seen.has(l.name)) seen.set(l.name, performance.now());
}, 10);

try {
  const auth = await signUpOwner(url);
  const project = (await (
    await fetch(`${url}/api/v1/projects`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Мебель', domains: ['mebel.ru'] }),
    })
  ).json()) as { id: string; apiKey: string };
  const put = await fetch(`${url}/api/v1/projects/${project.id}/integrations/amocrm`, {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({
      connection: { subdomain: 'bench', baseUrl: amo.url, longLivedToken: amo.issueLongLivedToken() },
      entities: {
        deal: { enabled: true, create: ['form'], fields: { source: 'create', campaign: 'create' } },
        contact: { enabled: true, create: ['form'], fields: {} },
      },
    }),
  });
  if (put.status !== 200) throw new Error(`settings: ${put.status} ${await put.text()}`);

  let n = 0;
  // Distinct people: the same contact within an hour would be a duplicate, not passed again.
  const post = async (name: string): Promise<number> => {
    const phone = `+7 912 ${String(1_000_000 + ++n).slice(1, 4)}-${String(n % 100).padStart(2, '0')}-${String(Math.floor(n / 100) % 100).padStart(2, '0')}`;
    const r = await fetch(`${url}/api/v1/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': project.apiKey },
      body: JSON.stringify({
        type: 'form',
        contact: { name: 'Покупатель', email: `${name}@mebel.ru`, phone },
        subject: name,
        message: 'Хочу диван',
      }),
    });
    if (r.status !== 201) throw new Error(`lead: ${r.status} ${await r.text()}`);
    return performance.now();
  };
  const waitFor = async (names: string[], timeoutMs: number) => {
    const end = performance.now() + timeoutMs;
    while (names.some((n) => !seen.has(n)) && performance.now() < end)
      await new Promise((r) => setTimeout(r, 20));
  };
  const requestsBefore = () => amo.state.requests.length;
  const limited = (from: number) => amo.state.requests.slice(from).filter((r) => r.status === 429).length;

  // Phase 1: steady 1 lead/s.
  const r1 = requestsBefore();
  const steady: Array<{ name: string; at: number }> = [];
  for (let i = 0; i < SECONDS; i++) {
    const name = `steady-${i}`;
    const tick = performance.now();
    steady.push({ name, at: await post(name) });
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - tick))));
  }
  await waitFor(
    steady.map((s) => s.name),
    30_000,
  );
  const lat = steady.map((s) => (seen.get(s.name) ?? Number.NaN) - s.at);
  const missing1 = lat.filter((x) => Number.isNaN(x)).length;
  const p95 = pct(lat, 95);

  // Phase 2: a burst.
  const r2 = requestsBefore();
  const start = performance.now();
  const names = Array.from({ length: LEADS }, (_, i) => `burst-${i}`);
  const posted: number[] = [];
  for (let i = 0; i < names.length; i += 25)
    posted.push(...(await Promise.all(names.slice(i, i + 25).map((n) => post(n)))));
  const allPosted = performance.now() - start;
  await waitFor(names, 120_000);
  const lastSeen = Math.max(...names.map((n) => seen.get(n) ?? Number.POSITIVE_INFINITY));
  const total = lastSeen - start;
  const burstLat = names.map((n, i) => (seen.get(n) ?? Number.NaN) - (posted[i] ?? 0));
  const requests2 = amo.state.requests.length - r2;
  const unbatched = (LEADS / 7) * 1000;
  const deals = [...amo.state.entities.leads.values()].filter((l) => l.name.startsWith('burst-')).length;

  console.log(`machine: node ${process.version}; fake amoCRM enforces 7 requests/s per token (429 beyond)`);
  console.log(`\nPhase 1: ${SECONDS} leads at 1 lead/s`);
  console.log(
    `  lead→deal latency  p50 ${ms(pct(lat, 50))}  p95 ${ms(p95)}  max ${ms(Math.max(...lat))}  (missing ${missing1})`,
  );
  console.log(`  amoCRM requests ${amo.state.requests.length - r1}, 429s ${limited(r1)}`);
  console.log(`\nPhase 2: burst of ${LEADS} leads`);
  console.log(`  posted in ${ms(allPosted)}; last deal after ${ms(total)}; deals created ${deals}`);
  console.log(
    `  lead→deal latency  p50 ${ms(pct(burstLat, 50))}  p95 ${ms(pct(burstLat, 95))}  max ${ms(Math.max(...burstLat))}`,
  );
  console.log(
    `  amoCRM requests ${requests2} (${(requests2 / LEADS).toFixed(2)} per lead), 429s ${limited(r2)}`,
  );
  console.log(
    `  baseline: one request per lead at 7/s would need ≥ ${ms(unbatched)} (${(unbatched / total).toFixed(1)}× slower)`,
  );
  console.log('\nSummary');
  console.log(
    `  p95 at 1 lead/s   ${ms(p95)} (target ≤ 2 s)   ${p95 <= 2000 && missing1 === 0 ? 'PASS' : 'MISS'}`,
  );
  console.log(
    `  ${LEADS} leads          ${ms(total)} (target ≤ 20 s)   ${total <= 20_000 && deals === LEADS ? 'PASS' : 'MISS'}`,
  );
  if (deals !== LEADS) process.exitCode = 1;
} finally {
  clearInterval(watcher);
  await service.stop();
  await amo.close();
  rmSync(dataDir, { recursive: true, force: true });
}
