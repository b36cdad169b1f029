/** Polls `f` every 100 ms until it gives a value, or fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined | false | null>,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
