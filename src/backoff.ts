/** Delays between attempts to reconnect: doubling from minMs up to maxMs. */
export interface Backoff {
  minMs: number;
  maxMs: number;
  /** spread at random between half and all of the delay (default true) */
  jitter?: boolean;
}

/**
 * The wait before the next attempt after `failures` failures in a row (1 for the first): minMs,
 * then doubling up to maxMs, each taken at random between half and all of it so that many
 * processes losing one server do not all come back at once.
 */
export function backoffDelay(failures: number, { minMs, maxMs, jitter = true }: Backoff): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 30));
  return jitter ? Math.round(base * (0.5 + Math.random() * 0.5)) : base;
}
