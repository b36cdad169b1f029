/**
 * Authenticated GETs to the VK Ads API: the bearer token from VkTokenSource, one renewal after a 401
 * that says the token expired or is unknown, retries with backoff on 5xx and rate limits, every answer
 * checked with zod.
 */
import type { z } from 'zod';
import { CostConnectorError } from '../connector-error.js';
import { exchange, type HttpAnswer, type RetryPolicy, withRetries } from '../connector-http.js';
import { errorFromAnswer, vkWords } from './errors.js';
import type { VkTokenSource } from './oauth.js';

export interface VkApiOptions {
  tokens: VkTokenSource;
  fetch: typeof fetch;
  baseUrl: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

const RENEWABLE = new Set(['expired_token', 'invalid_token']);

export class VkApi {
  constructor(private readonly o: VkApiOptions) {}

  private send(path: string, query: Record<string, string>, token: string): Promise<HttpAnswer> {
    const url = new URL(`${this.o.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return exchange(
      this.o.fetch,
      url.toString(),
      { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      {
        platform: 'vk-ads',
        label: `GET ${path}`,
        ...(this.o.timeoutMs ? { timeoutMs: this.o.timeoutMs } : {}),
      },
    );
  }

  async get<T>(path: string, query: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    return withRetries(this.o.retry ?? {}, async () => {
      const token = await this.o.tokens.get();
      let res = await this.send(path, query, token);
      if (res.status === 401) {
        const { code } = vkWords(res.text);
        if (code !== null && RENEWABLE.has(code))
          res = await this.send(path, query, await this.o.tokens.renew(token, code));
      }
      if (res.status !== 200) throw errorFromAnswer(res, 'api');
      let data: unknown;
      try {
        data = JSON.parse(res.text);
      } catch (e) {
        throw bad(path, res.status, 'the answer is not JSON', e);
      }
      const r = schema.safeParse(data);
      if (r.success) return r.data;
      const issues = r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw bad(path, res.status, `unexpected shape: ${issues}`);
    });
  }
}

function bad(path: string, status: number, detail: string, cause?: unknown): CostConnectorError {
  return new CostConnectorError({
    platform: 'vk-ads',
    kind: 'bad_response',
    status,
    platformMessage: `GET ${path}: ${detail}`,
    cause,
  });
}
