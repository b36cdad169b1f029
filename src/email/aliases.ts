import { randomInt } from 'node:crypto';
import type { Db } from '../db/connection.js';
import {
  aliasEverBound,
  aliasHolderAt,
  bindAlias,
  closeQuietBinding,
  lockVisitorPlusAlias,
  openBindings,
  poolAddressStates,
  poolBindingsFromIp,
  touchBinding,
  touchPoolBindings,
} from '../db/queries/email-aliases.js';
import { type EmailTracking, findEmailTracking, lockEmailTracking } from '../db/queries/email-tracking.js';
import { visitorSeenWithin } from '../db/queries/visitors.js';

/**
 * Per-visitor e-mail aliases (issue 5): the address a visitor sees in place of the site's public
 * one, so an e-mail written to it is matched to the visit that showed it. Bindings live in
 * email_aliases with time ranges [valid_from, valid_to); valid_to is null while one holds.
 *
 * - plus: `local+<token>@domain`, a 6-char base36 token minted once per visitor and project and
 *   kept for ever (a changed public address keeps the visitor's token).
 * - pool: real addresses from pool_addresses, least recently used first; a visitor keeps its
 *   address while it asks again within the hold time. A pool is scarce, so (issue 10) an address
 *   is bound only to a visitor the collector stored a hit of within RECENT_VISIT_MINUTES, at most
 *   `bindingsPerIp` new ones per client address and project in BINDING_WINDOW_MINUTES; none free:
 *   the binding seen least recently (and not within RECYCLE_QUIET_MINUTES) is closed and its
 *   address reused. Otherwise the public address itself.
 */

/** How long the tracker reuses an answer without asking (src/tracker/email.ts). */
export const TRACKER_CACHE_MINUTES = 10;
/**
 * An exhausted pool reuses only a binding whose visitor has not asked for this long: within it the
 * tracker may show its cached answer on a new page without asking, and no two visitors may be
 * shown one address at once (the configured hold is the longer protection, while addresses last).
 */
export const RECYCLE_QUIET_MINUTES = TRACKER_CACHE_MINUTES;
const PLUS_TOKEN_LENGTH = 6;
/** A pool address goes only to a visitor with a stored hit this recent (the tracker asks after its page view). */
export const RECENT_VISIT_MINUTES = 30;
/** the window of the per-client-address limit on new pool bindings */
export const BINDING_WINDOW_MINUTES = 10;

/** Who asks: what the per-client-address limit on new pool bindings counts. */
export interface AliasClient {
  /** the client address (null when unknown: not limited) */
  ip: string | null;
  /** new pool bindings one address may make per project in BINDING_WINDOW_MINUTES */
  bindingsPerIp: number;
}

export interface AliasAnswer {
  /** the public address as configured */
  address: string;
  /** what this visitor is shown; equals `address` when a pool has no free address */
  alias: string;
}

/** `local@domain` lower-cased and split at the last @, or null when it is no address. */
export function splitAddress(address: string): { local: string; domain: string } | null {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 1 || at === a.length - 1 || /\s/.test(a)) return null;
  return { local: a.slice(0, at), domain: a.slice(at + 1) };
}

/** The token of a plus alias (`info+k7f3x1@shop.ru` → `k7f3x1`, the part after the last +), else null. */
export function plusToken(alias: string): string | null {
  return /^[^@]+\+([a-z0-9]{4,16})@[^@]+$/.exec(alias.trim().toLowerCase())?.[1] ?? null;
}

/**
 * Pool bindings are held at least as long as the tracker may go on showing a cached answer
 * without asking, or a visitor could still see an address already given to someone else.
 */
export function effectiveHoldMinutes(holdMinutes: number): number {
  return Math.max(holdMinutes, TRACKER_CACHE_MINUTES);
}

/**
 * The alias for a visitor of a project, binding one when needed; null when the project has no
 * e-mail tracking (or its public address is unusable).
 */
export async function aliasForVisitor(
  db: Db,
  projectId: string,
  visitorId: string,
  client: AliasClient,
): Promise<AliasAnswer | null> {
  const s = await findEmailTracking(db, projectId);
  if (!s) return null;
  const address = s.public_address.trim();
  const parts = splitAddress(address);
  if (!parts) return null;
  const alias =
    s.alias_mode === 'plus'
      ? await plusAlias(db, projectId, visitorId, parts)
      : await poolAlias(db, projectId, visitorId, s, `${parts.local}@${parts.domain}`, client);
  return { address, alias: alias ?? address };
}

async function plusAlias(
  db: Db,
  projectId: string,
  visitorId: string,
  { local, domain }: { local: string; domain: string },
): Promise<string> {
  const fits = (a: string) => {
    const t = plusToken(a);
    return t !== null && a === `${local}+${t}@${domain}`;
  };
  const found = (await openBindings(db, projectId, visitorId)).find((b) => fits(b.alias));
  if (found) {
    // last_seen_at says the visitor is still around; a write a minute is plenty for that.
    if (found.stale) await touchBinding(db, found.id);
    return found.alias;
  }
  // First request of this visitor (or a changed public address): mint under a per-visitor lock so
  // two tabs opened at once get one alias, not two.
  return db.transaction().execute(async (trx) => {
    await lockVisitorPlusAlias(trx, projectId, visitorId);
    const open = await openBindings(trx, projectId, visitorId);
    const again = open.find((b) => fits(b.alias));
    if (again) return again.alias;
    // A token the visitor already holds (under an earlier public address) stays theirs.
    let token = open.map((b) => plusToken(b.alias)).find((t) => t !== null) ?? null;
    while (!token) {
      const candidate = randomToken();
      if (!(await aliasEverBound(trx, projectId, `${local}+${candidate}@${domain}`))) token = candidate;
    }
    const alias = `${local}+${token}@${domain}`;
    await bindAlias(trx, { projectId, alias, visitorId });
    return alias;
  });
}

function randomToken(): string {
  let t = '';
  for (let i = 0; i < PLUS_TOKEN_LENGTH; i++) t += randomInt(36).toString(36);
  return t;
}

/**
 * A pool address for the visitor, or null when every one is held by someone else.
 *
 * Concurrency: new bindings are made only under the project's email_tracking row lock, so two
 * visitors never take the same free address and the per-address count is exact. The visitor's own refresh runs without it: it only
 * touches an open binding, and releasing one re-checks `last_seen_at` in its UPDATE, so whichever
 * of the two writes the row first wins and the other sees it (READ COMMITTED re-evaluation).
 */
async function poolAlias(
  db: Db,
  projectId: string,
  visitorId: string,
  s: EmailTracking,
  address: string,
  client: AliasClient,
): Promise<string | null> {
  const pool = [
    ...new Set(s.pool_addresses.map((a) => a.trim().toLowerCase()).filter((a) => a && a !== address)),
  ];
  if (pool.length === 0) return null;
  const hold = effectiveHoldMinutes(s.hold_minutes);
  const refresh = async (q: Db) => {
    const rows = await touchPoolBindings(q, projectId, visitorId, pool);
    return rows.sort((a, b) => b.valid_from.getTime() - a.valid_from.getTime())[0]?.alias ?? null;
  };
  const mine = await refresh(db);
  if (mine) return mine;
  // Invented visitor ids (no page view ever stored) get nothing from the pool.
  if (!(await visitorSeenWithin(db, projectId, visitorId, RECENT_VISIT_MINUTES))) return null;
  return db.transaction().execute(async (trx) => {
    if (!(await lockEmailTracking(trx, projectId))) return null; // e-mail tracking was switched off meanwhile
    const again = await refresh(trx);
    if (again) return again;
    if (
      client.ip !== null &&
      (await poolBindingsFromIp(trx, projectId, client.ip, BINDING_WINDOW_MINUTES)) >= client.bindingsPerIp
    )
      return null;
    const rows = await poolAddressStates(trx, projectId, pool, { hold, quiet: RECYCLE_QUIET_MINUTES });
    // never used first, then the least recently seen; the configured order breaks ties
    const lru = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
      (a.last_seen_at?.getTime() ?? -1) - (b.last_seen_at?.getTime() ?? -1) || Number(a.n) - Number(b.n);
    const free = rows.filter((r) => r.id === null || !r.open || r.expired).sort(lru);
    // Exhausted: rather than the public address (which attributes nothing), the binding seen least
    // recently is closed and its address reused; letters still go by each binding's time range.
    const recyclable = rows.filter((r) => r.id !== null && r.open && !r.expired && r.quiet).sort(lru);
    for (const f of [...free, ...recyclable]) {
      if (f.id !== null && f.open) {
        const after = f.expired ? hold : RECYCLE_QUIET_MINUTES;
        if (!(await closeQuietBinding(trx, f.id, after))) continue; // its visitor came back just now
      }
      await bindAlias(trx, { projectId, alias: f.alias, visitorId, ip: client.ip });
      return f.alias;
    }
    return null;
  });
}

/**
 * Which visitor held `alias` at `at` (for an incoming e-mail: the time it was sent or received),
 * or null. The exact alias first (case-insensitive); then a plus alias by its token alone, so
 * `Info+K7F3X1@Shop.ru` or a mail to the alias under an older public address still matches.
 */
export async function visitorForAlias(
  db: Db,
  projectId: string,
  alias: string,
  at: Date,
): Promise<string | null> {
  const a = alias.trim().toLowerCase();
  const exact = await aliasHolderAt(db, projectId, { exact: a }, at);
  if (exact) return exact;
  const token = plusToken(a);
  if (!token) return null;
  // the token is [a-z0-9] only: nothing to escape in the pattern
  return (await aliasHolderAt(db, projectId, { like: `%+${token}@%` }, at)) ?? null;
}
