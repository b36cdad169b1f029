/** What a probe gives back once it holds: anything but `undefined`, `null`, `false`, `0` or `''`. */
export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

export interface UntilOptions {
  /** how long to keep asking, in ms (default 15 s) */
  timeout?: number;
  /** the pause between two questions, in ms (default 50) */
  interval?: number;
}

/**
 * The one polling helper of the tests: asks `probe` (sync or async) every `interval` ms until it
 * gives a truthy value and returns that, or fails after `timeout` ms naming `what` was awaited and
 * the last answer. A number for `opts` is the timeout.
 */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  opts: number | UntilOptions = {},
): Promise<Truthy<T>> {
  const { timeout = 15_000, interval = 50 } = typeof opts === 'number' ? { timeout: opts } : opts;
  const end = Date.now() + timeout;
  for (;;) {
    const v = await probe();
    if (v) return v as Truthy<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}: ${show(v)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
