/** What the cost tests share: a fake per file, a retry policy that records instead of sleeping, failures. */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { CostConnectorError } from '../../src/costs/connector-error.js';
import type { RetryPolicy } from '../../src/costs/connector-http.js';

/** One fake server per test file: started before the file, closed after it, reset before each test. */
export function fakePerFile<F extends { close(): Promise<void> }>(
  start: () => Promise<F>,
  reset: (fake: F) => void,
): () => F {
  let fake: F | undefined;
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(() => fake?.close());
  beforeEach(() => {
    if (fake) reset(fake);
  });
  return () => {
    if (!fake) throw new Error('the fake is not started yet');
    return fake;
  };
}

/** Backoff from 100 ms whose pauses are pushed to `sleeps` instead of slept. */
export function recordingRetry(sleeps: number[]): RetryPolicy {
  return {
    baseDelayMs: 100,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

/** The CostConnectorError `p` rejects with. */
export async function failure(p: Promise<unknown>): Promise<CostConnectorError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CostConnectorError);
  return e as CostConnectorError;
}
