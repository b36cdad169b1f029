/**
 * Writes in chunks (amoCRM takes 50 items a request) and their answers matched back to the input:
 * each item carries a request_id, and a failed chunk reports what the chunks before it applied.
 */
import { AmoError } from './errors.js';
import type { AmoComplexResult } from './schemas.js';

/** An answer that does not say what amoCRM documents (wrong count, empty, too many pages). */
export function badResponse(request: string, detail: string): AmoError {
  return new AmoError({ kind: 'bad_response', request, detail });
}

/** Runs a write chunk by chunk; on failure the error carries what earlier chunks applied. */
export async function inChunks<I, R extends number | AmoComplexResult>(
  items: readonly I[],
  size: number,
  run: (chunk: I[], offset: number) => Promise<R[]>,
): Promise<R[]> {
  const out: R[] = [];
  for (let offset = 0; offset < items.length; offset += size) {
    try {
      out.push(...(await run(items.slice(offset, offset + size), offset)));
    } catch (e) {
      if (e instanceof AmoError && out.length > 0) {
        e.applied = out as readonly number[] | readonly AmoComplexResult[];
      }
      throw e;
    }
  }
  return out;
}

/** Gives every item a request_id (its index in the whole input) unless the caller chose one. */
export function withRequestIds<T extends { request_id?: string }>(chunk: readonly T[], offset: number): T[] {
  return chunk.map((item, i) =>
    item.request_id === undefined ? { ...item, request_id: String(offset + i) } : item,
  );
}

/** Ids of created items in input order: by the echoed request_id when unambiguous, else by position. */
export function idsInOrder(
  sent: readonly { request_id?: string }[],
  got: readonly { id: number; request_id?: string | null }[],
  request: string,
): number[] {
  if (got.length !== sent.length) {
    throw badResponse(request, `sent ${sent.length} items, amoCRM answered with ${got.length}`);
  }
  const byRid = new Map<string, number>();
  for (const g of got) if (g.request_id !== null && g.request_id !== undefined) byRid.set(g.request_id, g.id);
  const rids = sent.map((s) => s.request_id);
  const unique = new Set(rids).size === rids.length && byRid.size === got.length;
  if (unique && rids.every((r) => r !== undefined && byRid.has(r))) {
    return rids.map((r) => byRid.get(r as string) as number);
  }
  return got.map((g) => g.id);
}
