import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient, signUp } from './helpers/client.js';
import { runCli } from './helpers/process.js';
import { startTestServer } from './helpers/server.js';

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

  it('user reset-password prints a one-time link that sets a new password', { timeout: 60_000 }, async () => {
    const server = await startTestServer({ PUBLIC_URL: 'https://leads.example.ru' });
    try {
      const { email } = await signUp(server.url);
      const env = {
        DATABASE_URL: server.databaseUrl,
        SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
        PUBLIC_URL: 'https://leads.example.ru',
        DATA_DIR: dataDir(),
      };
      const run = runCli(['user', 'reset-password', '--email', email.toUpperCase()], env);
      expect(await run.exited, run.output()).toBe(0);
      const link =
        run.output().match(/https:\/\/leads\.example\.ru\/reset-password\?token=[\w-]+/)?.[0] ?? '';
      expect(link).not.toBe('');
      const token = new URL(link).searchParams.get('token');
      const anon = new ApiClient(server.url, { origin: 'https://leads.example.ru' });
      const body = { token, password: 'пароль-из-консоли-1' };
      expect((await anon.post('/api/v1/auth/password-reset/confirm', body)).status).toBe(204);
      expect((await anon.post('/api/v1/auth/login', { email, password: body.password })).status).toBe(200);
      expect((await anon.post('/api/v1/auth/password-reset/confirm', body)).status).toBe(400);

      const unknown = runCli(['user', 'reset-password', '--email', 'nobody@example.ru'], env);
      expect(await unknown.exited).toBe(1);
      expect(unknown.output()).toContain('No user with e-mail nobody@example.ru');
      const bad = runCli(['user', 'reset-password'], env);
      expect(await bad.exited).toBe(1);
      expect(bad.output()).toMatch(/leadtrail: --email must be an e-mail address/);
    } finally {
      await server.close();
    }
  });
});
