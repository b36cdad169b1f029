import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from './helpers/client.js';
import { isAlive, runCli, type Spawned, waitForOk } from './helpers/process.js';
import { freePort } from './helpers/server.js';

/**
 * The service as a user runs it: `leadtrail start` on an embedded PostgreSQL in a data directory,
 * killed and restarted the hard way.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'leadtrail-lifecycle-'));
const running: Spawned[] = [];
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  const pid = postgresPid();
  if (pid && isAlive(pid)) process.kill(pid, 'SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dataDir, { recursive: true, force: true });
});

function postgresPid(): number | null {
  try {
    return Number.parseInt(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8'), 10);
  } catch {
    return null;
  }
}

/** WAL segment files in the cluster (names of 24 hex digits). */
function walSegments(): number {
  return readdirSync(join(dataDir, 'postgres', 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f)).length;
}

async function start(port: number): Promise<Spawned> {
  const run = runCli(['start'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
  running.push(run);
  await Promise.race([
    waitForOk(`http://127.0.0.1:${port}/readyz`, 60_000),
    run.exited.then((code) => {
      throw new Error(`exited with ${code} before ready:\n${run.output()}`);
    }),
  ]);
  return run;
}

describe('leadtrail start on the embedded PostgreSQL', () => {
  const credentials = { email: 'директор@example.ru', password: 'пароль-директора-1' };
  let port = 0;

  it('starts from an empty data directory, creates the cluster and serves', { timeout: 90_000 }, async () => {
    port = await freePort();
    const run = await start(port);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json())) as unknown).toEqual({
      status: 'ok',
    });
    const c = new ApiClient(`http://127.0.0.1:${port}`);
    expect((await c.post('/api/v1/auth/signup', { ...credentials, accountName: 'Диваны' })).status).toBe(201);
    expect((await c.post('/api/v1/projects', { name: 'Сайт', domains: ['divan.ru'] })).status).toBe(201);
    expect(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    expect(run.output()).toContain('SECRET_KEY was not set');
    // 512 MB of WAL segments ready for reuse, so no commit waits on a new segment being zeroed
    expect(run.output()).toContain('embedded PostgreSQL WAL prepared');
    expect(walSegments()).toBeGreaterThanOrEqual(32);
  });

  it('refuses a second instance on the same data directory', { timeout: 30_000 }, async () => {
    const second = runCli(['start'], {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
    });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already running/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  it('lets CLI commands attach to the running service', { timeout: 30_000 }, async () => {
    const migrate = runCli(['migrate'], { DATA_DIR: dataDir });
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toContain('The database is up to date.');
    const create = runCli(
      [
        'user',
        'create',
        '--email',
        'agency@example.ru',
        '--password',
        'агентство-пароль',
        '--account',
        'Агентство',
      ],
      { DATA_DIR: dataDir },
    );
    expect(await create.exited, create.output()).toBe(0);
    const c = new ApiClient(`http://127.0.0.1:${port}`);
    const login = await c.post<{ account: { name: string }; user: { role: string } }>('/api/v1/auth/login', {
      email: 'agency@example.ru',
      password: 'агентство-пароль',
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ account: { name: 'Агентство' }, user: { role: 'owner' } });
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  it('comes back on the same data after kill -9 of the service', { timeout: 90_000 }, async () => {
    const before = running.at(-1);
    before?.child.kill('SIGKILL');
    await before?.exited;
    const orphan = postgresPid();
    expect(orphan && isAlive(orphan)).toBe(true); // the postgres child outlives a SIGKILLed parent
    const run = await start(port);
    // the segments were kept: nothing to prepare again
    expect(run.output()).not.toContain('WAL prepared');
    expect(walSegments()).toBeGreaterThanOrEqual(32);
    const c = new ApiClient(`http://127.0.0.1:${port}`);
    expect((await c.post('/api/v1/auth/login', credentials)).status).toBe(200);
    const projects = await c.get<{ items: Array<{ name: string }> }>('/api/v1/projects');
    expect(projects.body.items.map((p) => p.name)).toEqual(['Сайт']);
  });

  it('comes back after both the service and postgres were killed (stale pid file)', {
    timeout: 90_000,
  }, async () => {
    const before = running.at(-1);
    const pg = postgresPid();
    before?.child.kill('SIGKILL');
    if (pg) process.kill(pg, 'SIGKILL');
    await before?.exited;
    await new Promise((r) => setTimeout(r, 200));
    await start(port);
    const c = new ApiClient(`http://127.0.0.1:${port}`);
    expect((await c.post('/api/v1/auth/login', credentials)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM, postgres included', { timeout: 60_000 }, async () => {
    const current = running.at(-1);
    const pg = postgresPid();
    current?.child.kill('SIGTERM');
    expect(await current?.exited).toBe(0);
    expect(pg && isAlive(pg)).toBe(false);
    expect(current?.output()).toMatch(/draining HTTP, then the database[\s\S]*embedded PostgreSQL stopped/);
  });
});
