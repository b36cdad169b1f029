import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/process.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'leadtrail-cli-'));

describe('leadtrail CLI', () => {
  it('exits 1 with one clear line naming a bad variable, and no stack trace', async () => {
    const run = runCli(['start'], { PORT: 'not-a-port', DATA_DIR: dataDir() });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('PORT');
    expect(run.output()).not.toMatch(/\n\s+at /);
  });

  it('requires SECRET_KEY with DATABASE_URL', async () => {
    const run = runCli(['migrate'], { DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', DATA_DIR: dataDir() });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/SECRET_KEY: required when DATABASE_URL is set/);
  });

  it('rejects unknown commands, roles and options with the usage text', async () => {
    for (const args of [
      ['launch'],
      ['start', '--role', 'boss'],
      ['start', '--colour'],
      ['user', 'create', '--email', 'x'],
    ]) {
      const run = runCli(args, { DATA_DIR: dataDir() });
      expect(await run.exited, args.join(' ')).toBe(1);
      expect(run.output()).toMatch(/leadtrail: .+\n\nUsage: leadtrail/);
    }
  });

  it('prints help', async () => {
    const run = runCli(['--help'], {});
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/start \[--role all\|api\|worker\]/);
  });
});
