import { createServer, type Server } from 'node:http';
import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

/** A bare node:http server answering 204: the ceiling every endpoint is compared with. */
export async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.statusCode = 204;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export async function load(
  label: string,
  opts: {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    seconds: number;
    connections: number;
  },
): Promise<LoadResult> {
  const r = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    duration: opts.seconds,
    connections: opts.connections,
  });
  return {
    label,
    requestsPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    total: r.requests.total,
  };
}

export function printTable(rows: LoadResult[], baseline: LoadResult): void {
  console.log(
    'endpoint'.padEnd(44),
    'req/s'.padStart(8),
    'p50 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'vs bare'.padStart(8),
    'non-2xx'.padStart(8),
  );
  for (const r of [baseline, ...rows]) {
    console.log(
      r.label.padEnd(44),
      String(r.requestsPerSec).padStart(8),
      String(r.p50).padStart(8),
      String(r.p99).padStart(8),
      (r.requestsPerSec / baseline.requestsPerSec).toFixed(2).padStart(8),
      String(r.non2xx + r.errors).padStart(8),
    );
  }
}

/**
 * Signs a bench owner up on a fresh service and returns the headers of the cabinet session (same
 * origin, JSON) that the benches use for their set-up calls.
 */
export async function signUpOwner(url: string): Promise<Record<string, string>> {
  const json = { origin: url, 'content-type': 'application/json' };
  const signup = await fetch(`${url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      email: 'bench@example.ru',
      password: 'benchmark-password',
      accountName: 'Бенчмарк',
    }),
  });
  if (!signup.ok) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  return { ...json, cookie: signup.headers.getSetCookie()[0]?.split(';')[0] ?? '' };
}
