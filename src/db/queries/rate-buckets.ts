import { sql } from 'kysely';
import type { Db } from '../connection.js';

/**
 * Takes one token from the bucket `key` in ONE atomic upsert, refilled first by the time elapsed
 * on the database clock at `rate` per second up to `burst`; returns the balance left, negative
 * when the token was borrowed (see delivery/rate-gate.ts).
 */
export async function takeRateToken(
  db: Db,
  key: string,
  bucket: { burst: number; rate: number },
): Promise<number> {
  const { burst, rate } = bucket;
  // clock_timestamp() inside DO UPDATE is read after the row lock is taken, and only once (the
  // sub-select): a "now" read before queueing on the lock would refill time the previous holder
  // already counted. The database clock is the one every process shares.
  const { rows } = await sql<{ tokens: number }>`
    insert into rate_buckets as b (key, tokens, refilled_at)
    values (${key}, ${burst - 1}::float8, clock_timestamp())
    on conflict (key) do update set (tokens, refilled_at) = (
      select
        least(
          ${burst}::float8,
          b.tokens + greatest(0, extract(epoch from n.t - b.refilled_at)::float8) * ${rate}::float8
        ) - 1,
        greatest(b.refilled_at, n.t)
      from (select clock_timestamp() as t) n
    )
    returning tokens`.execute(db);
  const tokens = rows[0]?.tokens;
  if (tokens === undefined) throw new Error('rate gate: the bucket upsert returned no row');
  return tokens;
}
