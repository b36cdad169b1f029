import type { Db } from '../db/connection.js';
import { createHitsPartition } from '../db/queries/hits.js';

/** Partitions known to exist, per database (a process may talk to several, e.g. in tests). */
const ensured = new WeakMap<Db, Set<string>>();

function monthStart(d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

export function partitionName(d: Date): string {
  const m = monthStart(d);
  return `hits_${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Creates the month partition of `hits` that a hit received at `at` falls into. Cached per
 * process; several processes racing to create the same partition is harmless.
 */
export async function ensureHitsPartition(db: Db, at: Date): Promise<void> {
  const name = partitionName(at);
  const known = ensured.get(db) ?? new Set<string>();
  ensured.set(db, known);
  if (known.has(name)) return;
  const from = monthStart(at).toISOString();
  const to = monthStart(at, 1).toISOString();
  try {
    await createHitsPartition(db, name, from, to);
  } catch (err) {
    // 42P07: created by another process between our check and create.
    if ((err as { code?: string }).code !== '42P07') throw err;
  }
  known.add(name);
}

/** Partitions for this month and the next, so the first hits of a month never wait on DDL. */
export async function ensureUpcomingPartitions(db: Db, now = new Date()): Promise<void> {
  await ensureHitsPartition(db, now);
  await ensureHitsPartition(db, monthStart(now, 1));
}
