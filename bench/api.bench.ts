import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';
import { load, printTable, signUpOwner, startBareServer } from './baseline.js';

/**
 * The cabinet API under load on the embedded PostgreSQL: liveness, and an authenticated list
 * (Bearer token lookup + tenant-scoped query + zod serialisation), each against bare node:http
 * measured in the same run on the same machine.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 20;

const dataDir = mkdtempSync(join(tmpdir(), 'leadtrail-bench-'));
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
  SECRET_KEY: 'bench-secret-key-bench-secret-key-0123',
});
const service = await startService(config, createLogger(config), 'api');
const url = service.url ?? '';
try {
  const auth = await signUpOwner(url);
  for (let i = 0; i < 5; i++) {
    await fetch(`${url}/api/v1/projects`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: `Проект ${i}`, domains: [`site${i}.ru`] }),
    });
  }
  const token = (
    (await (
      await fetch(`${url}/api/v1/tokens`, {
        method: 'POST',
        headers: auth,
        body: '{"name":"bench"}',
      })
    ).json()) as { token: string }
  ).token;

  const bare = await startBareServer();
  const baseline = await load('bare node:http (204)', {
    url: bare.url,
    seconds: SECONDS,
    connections: CONNECTIONS,
  });
  await bare.close();
  const rows = [
    await load('GET /healthz', { url: `${url}/healthz`, seconds: SECONDS, connections: CONNECTIONS }),
    await load('GET /api/v1/projects (Bearer, 5 projects)', {
      url: `${url}/api/v1/projects`,
      headers: { authorization: `Bearer ${token}` },
      seconds: SECONDS,
      connections: CONNECTIONS,
    }),
  ];
  printTable(rows, baseline);
  if (rows.some((r) => r.non2xx + r.errors > 0)) {
    console.error('some requests failed');
    process.exitCode = 1;
  }
} finally {
  await service.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
