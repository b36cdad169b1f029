/**
 * What every development fake needs from node:http and nothing more: a reply value, a bounded body
 * reader, a server on a given or random port that closes with its open connections, and a clock that
 * tests can move forward. Each fake under fakes/<name>/ builds its routes on these.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The body as UTF-8 text, or null when it is larger than `max` bytes (the rest is drained). */
export function readBody(req: IncomingMessage, max = 1024 * 1024): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers = { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) };
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

export interface Listening {
  /** http://host:port, no trailing slash */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `handle` on `port` (0 = any free one). A handler that throws gets a plain 500, so a bug in
 * a fake shows up as a failed request rather than a hung one.
 */
export async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  opts: { port?: number; host?: string } = {},
): Promise<Listening> {
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) res.destroy();
      else send(res, json(500, { fake_error: e instanceof Error ? e.message : String(e) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export interface FakeRequest {
  req: IncomingMessage;
  method: string;
  url: URL;
  /** without a trailing slash */
  path: string;
  /** the body, or null when it was over 1 MiB */
  raw: string | null;
}

export interface FakeServing {
  url: string;
  /** the fake's calendar day */
  today(): string;
  close(): Promise<void>;
}

/**
 * Serves a fake: `/__fake/…` goes to `control`, everything else waits the injected delay and goes to
 * `handle`.
 */
export async function serveFake(
  opts: { port?: number; host?: string },
  deps: { clock: FakeClock; delayMs(): number; control(method: string, path: string, raw: string): Reply },
  handle: (r: FakeRequest) => Reply | Promise<Reply>,
): Promise<FakeServing> {
  const server = await listen(
    async (req, res) => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const path = url.pathname.replace(/(.)\/+$/, '$1');
      const raw = await readBody(req);
      if (path === '/__fake' || path.startsWith('/__fake/')) {
        send(res, deps.control(method, path, raw ?? ''));
        return;
      }
      const delay = deps.delayMs();
      if (delay > 0) await new Promise<void>((r) => setTimeout(r, delay));
      send(res, await handle({ req, method, url, path, raw }));
    },
    { port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' },
  );
  return { url: server.url, today: () => deps.clock.today(), close: server.close };
}

/** Time that runs like the wall clock, from a chosen start if given, and that tests can move forward. */
export class FakeClock {
  private offsetMs = 0;
  private readonly createdAt = Date.now();

  constructor(private readonly start: number | null = null) {}

  now(): number {
    const elapsed = Date.now() - this.createdAt;
    return (this.start ?? this.createdAt) + elapsed + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /** The calendar date at `utcOffsetHours` (Moscow = 3), `YYYY-MM-DD`. */
  today(utcOffsetHours = 3): string {
    return new Date(this.now() + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
  }
}

/** `YYYY-MM-DD` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** A real calendar date in `YYYY-MM-DD` form. */
export function isDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
