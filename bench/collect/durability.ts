import pg from 'pg';
import { type Ledger, round } from './load.js';

/**
 * Durability, once the service has stopped (drained): every eid answered 2xx must be in `hits`;
 * every row in `hits` must be an eid answered 2xx or still in flight when the load stopped (no
 * answer: a tracker resends it). Prints each load's count; the probe's eid is left out.
 */
export async function checkDurability(
  connectionString: string,
  projectId: string,
  ledgers: ReadonlyMap<string, Ledger>,
  probeEid: string,
): Promise<{ acknowledged: number; stored: number; missing: number; durable: boolean }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  let stored: Map<string, string>;
  try {
    const rows = await client.query<{ eid: string; tx: string }>(
      'select eid, xmin::text as tx from hits where project_id = $1',
      [projectId],
    );
    stored = new Map(rows.rows.map((r) => [r.eid, r.tx]));
  } finally {
    await client.end();
  }
  stored.delete(probeEid);
  console.log('\nDurability (rows in hits after the service stopped)');
  let acknowledged = 0;
  let missing = 0;
  let inFlightStored = 0;
  let refusedStored = 0;
  for (const [name, l] of ledgers) {
    const lostHere = [...l.ok].filter((e) => !stored.has(e)).length;
    const unanswered = [...l.sent].filter((e) => !l.ok.has(e) && !l.refused.has(e));
    const unansweredStored = unanswered.filter((e) => stored.has(e)).length;
    const refusedHere = [...l.refused].filter((e) => stored.has(e)).length;
    const txs = new Set([...l.ok].map((e) => stored.get(e)).filter(Boolean));
    acknowledged += l.ok.size;
    missing += lostHere;
    inFlightStored += unansweredStored;
    refusedStored += refusedHere;
    console.log(
      `  ${name.padEnd(7)} sent ${l.sent.size}, 2xx ${l.ok.size}, non-2xx ${l.refused.size}, no answer ${unanswered.length}` +
        ` (stored anyway ${unansweredStored}); acknowledged but missing ${lostHere};` +
        ` ${txs.size} write transactions, ${round(l.ok.size / Math.max(1, txs.size))} hits per batch`,
    );
  }
  const sentAll = new Set([...ledgers.values()].flatMap((l) => [...l.sent]));
  const foreign = [...stored.keys()].filter((e) => !sentAll.has(e)).length;
  console.log(
    `hits acknowledged: ${acknowledged}, hits stored: ${stored.size}` +
      ` (= acknowledged ${acknowledged - missing} + in flight when the load stopped ${inFlightStored}` +
      ` + answered non-2xx ${refusedStored} + unknown ${foreign})`,
  );
  const durable =
    missing === 0 && refusedStored === 0 && foreign === 0 && stored.size === acknowledged + inFlightStored;
  return { acknowledged, stored: stored.size, missing, durable };
}
