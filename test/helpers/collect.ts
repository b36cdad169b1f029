import { randomBytes } from 'node:crypto';

export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export const randomId = (n = 16) => randomBytes(n).toString('base64url');

/** Posts one tracker event the way the tracker does (text/plain JSON, page origin). */
export async function collect(
  baseUrl: string,
  event: Record<string, unknown>,
  opts: { origin?: string; userAgent?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const pageOrigin =
    typeof event.url === 'string' && URL.canParse(event.url) ? new URL(event.url).origin : undefined;
  const res = await fetch(`${baseUrl}/collect`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': opts.userAgent ?? CHROME_UA,
      ...(opts.origin !== undefined ? { origin: opts.origin } : pageOrigin ? { origin: pageOrigin } : {}),
      ...opts.headers,
    },
    body: opts.raw ?? JSON.stringify({ v: 1, eid: randomId(), type: 'pageview', ...event }),
  });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
