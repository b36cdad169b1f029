import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'leadtrail-config-'));

describe('configuration', () => {
  it('defaults to port 3000, ./data and a generated secret kept in the data directory', () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      trustProxy: false,
      allowSignup: true,
    });
    expect(first.secretKeyGenerated).toBe(true);
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKey);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secretKey).toBe(first.secretKey);
    expect(second.secretKeyGenerated).toBe(false);
    expect(loadConfig({ SECRET_KEY: 'k'.repeat(32) }).dataDir).toBe(join(process.cwd(), 'data'));
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://leads.example.ru/',
      DATABASE_URL: 'postgres://u:p@db:5432/leadtrail',
      SECRET_KEY: 'x'.repeat(40),
      LOG_LEVEL: 'debug',
      TRUST_PROXY: 'true',
      ALLOW_SIGNUP: 'false',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://leads.example.ru',
      databaseUrl: 'postgres://u:p@db:5432/leadtrail',
      secretKey: 'x'.repeat(40),
      secretKeyGenerated: false,
      logLevel: 'debug',
      trustProxy: true,
      allowSignup: false,
    });
  });

  it('reads SMTP_URL and SMTP_FROM, the From defaulting to an address at PUBLIC_URL', () => {
    const smtp = 'smtps://user:p%40ss@mail.example.ru:465';
    expect(
      loadConfig({ DATA_DIR: tempDir(), SMTP_URL: smtp, PUBLIC_URL: 'https://leads.example.ru' }),
    ).toMatchObject({ smtpUrl: smtp, smtpFrom: 'Leadtrail <noreply@leads.example.ru>' });
    expect(loadConfig({ DATA_DIR: tempDir(), SMTP_FROM: 'Лиды <robot@example.ru>' }).smtpFrom).toBe(
      'Лиды <robot@example.ru>',
    );
    expect(loadConfig({ DATA_DIR: tempDir() })).toMatchObject({
      smtpUrl: undefined,
      smtpFrom: 'Leadtrail <noreply@localhost>',
    });
  });

  it.each([
    ['true', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['loopback,fd00::/8', ['loopback', 'fd00::/8']],
  ])('reads TRUST_PROXY=%s as %o', (value, expected) => {
    expect(loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'leads.example.ru' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://leads.example.ru' }, 'PUBLIC_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    [{ SMTP_URL: 'http://mail.example.ru' }, 'SMTP_URL'],
    [{ SMTP_FROM: 'no address' }, 'SMTP_FROM'],
    [{ TRUST_PROXY: '10.0.0.1,,127.0.0.1' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '300.1.1.1' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '99' }, 'TRUST_PROXY'],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY'],
    [{ DATABASE_URL: 'postgres://u:p@db/x' }, 'SECRET_KEY'],
  ])('rejects %o naming %s', (env, name) => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: tempDir(), ...env })).toThrow(new RegExp(`\\b${name}\\b`));
  });
});
