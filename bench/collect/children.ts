import { type ChildProcess, fork } from 'node:child_process';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService } from '../../src/service.js';
import { startBareServer } from '../baseline.js';

/**
 * The bench's child processes: the service (role 'api') and the bare node:http server each run in
 * a node process of their own, forked from the bench's own entry with BENCH_CHILD set.
 */

function childReady(url: string, stop: () => Promise<void>): void {
  process.on('message', async (m) => {
    if (m !== 'stop') return;
    await stop();
    process.send?.('stopped', () => process.exit(0));
  });
  process.send?.({ url });
}

export async function runBareChild(): Promise<void> {
  const bare = await startBareServer();
  childReady(bare.url, bare.close);
}

export async function runServiceChild(): Promise<void> {
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

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function startChild(kind: 'bare' | 'service', env: Record<string, string> = {}): Promise<Child> {
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
