import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import proxyAddr from '@fastify/proxy-addr';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Which proxies' X-Forwarded-* headers are believed: `true`/`false` as before, a number of hops
 * (`1`: the address the nearest proxy saw), or a comma list of proxy addresses and CIDR ranges
 * (or proxy-addr's names loopback, linklocal, uniquelocal). `1` once meant `true`; now one hop.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): ProxyTrustSetting => {
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === 'yes') return true;
    if (lower === 'false' || lower === 'no' || lower === '0') return false;
    if (/^\d+$/.test(v)) {
      const hops = Number(v);
      if (hops <= 32) return hops;
      ctx.addIssue({ code: 'custom', message: 'a number of hops must be at most 32' });
      return z.NEVER;
    }
    const list = v.split(',').map((a) => a.trim());
    try {
      if (list.some((a) => !a)) throw new Error('an empty entry in the list');
      proxyAddr.compile(list);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `must be true, false, a number of hops or a comma list of proxy addresses/CIDRs (${(err as Error).message})`,
      });
      return z.NEVER;
    }
    return list;
  });

/** Every environment variable the service reads; documented in the README's configuration table. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy.default(false),
  ALLOW_SIGNUP: bool.default(true),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  GEOIP_DB_PATH: z.string().min(1).optional(),
  ALLOW_CUSTOM_INTEGRATION_HOSTS: bool.default(false),
  DELIVERY_RETRY_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  DELIVERY_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(3600).default(120),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587',
    })
    .optional(),
  SMTP_FROM: z
    .string()
    .trim()
    .regex(/^[^\r\n]*@[^\r\n]*$/, 'must be an address, e.g. Leadtrail <noreply@example.ru>')
    .max(300)
    .optional(),
  ALIAS_BINDINGS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  INTEGRATION_PROBE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
});

export type Role = 'all' | 'api' | 'worker';

/** true: any X-Forwarded-For; a number: that many hops; a list: only these proxies */
export type ProxyTrustSetting = boolean | number | string[];

export interface Config {
  port: number;
  host: string;
  /** Origin the service is reached at (no trailing slash); links and CSRF checks use it. */
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string;
  /** True when SECRET_KEY was generated into DATA_DIR on this start (the caller warns). */
  secretKeyGenerated: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: ProxyTrustSetting;
  allowSignup: boolean;
  /** 0 = pick a free loopback port on each start. */
  embeddedPgPort: number;
  /** a GeoLite2/GeoIP2 City .mmdb; absent = the GeoLite2 City database shipped through npm */
  geoipDbPath: string | undefined;
  /**
   * Integrations may be pointed at any base URL (tests, fakes, self-hosted). Off by default: a
   * user-given URL would let the server be made to call internal addresses (SSRF).
   */
  allowCustomIntegrationHosts: boolean;
  /** first delay before a failed delivery is tried again; it doubles with each attempt */
  deliveryRetrySeconds: number;
  /** a delivery job silent this long belonged to a process that died: it is run again */
  deliveryJobTimeoutSeconds: number;
  /**
   * Who may read /metrics: with a token, whoever sends it as a Bearer; with a port, /metrics moves
   * to a listener of its own on metricsHost; with neither, loopback clients only.
   */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  /** where password-reset and invitation e-mails are sent through; absent = no e-mail is sent */
  smtpUrl: string | undefined;
  /** the From of those e-mails */
  smtpFrom: string;
  /** new e-mail pool bindings one client address may make per project in 10 minutes */
  aliasBindingsPerIp: number;
  /** a paused integration's account (blocked, unpaid, access revoked) is asked again this often, for 3 days */
  integrationProbeSeconds: number;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once; everything else gets the typed object. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  let secretKey = e.SECRET_KEY;
  let secretKeyGenerated = false;
  if (!secretKey) {
    if (e.DATABASE_URL) {
      throw new ConfigError(
        'Invalid configuration:\n  SECRET_KEY: required when DATABASE_URL is set (at least 32 characters)',
      );
    }
    ({ secretKey, generated: secretKeyGenerated } = loadOrCreateSecretKey(dataDir));
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    secretKey,
    secretKeyGenerated,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    allowSignup: e.ALLOW_SIGNUP,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    geoipDbPath: e.GEOIP_DB_PATH ? resolve(e.GEOIP_DB_PATH) : undefined,
    allowCustomIntegrationHosts: e.ALLOW_CUSTOM_INTEGRATION_HOSTS,
    deliveryRetrySeconds: e.DELIVERY_RETRY_SECONDS,
    deliveryJobTimeoutSeconds: e.DELIVERY_JOB_TIMEOUT_SECONDS,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM ?? `Leadtrail <noreply@${mailDomain(publicUrl)}>`,
    aliasBindingsPerIp: e.ALIAS_BINDINGS_PER_IP,
    integrationProbeSeconds: e.INTEGRATION_PROBE_SECONDS,
  };
}

/** PUBLIC_URL's host as the domain of an address; an IP address is written as a literal. */
function mailDomain(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  if (host.startsWith('[')) return `[IPv6:${host.slice(1, -1)}]`;
  return /^[\d.]+$/.test(host) ? `[${host}]` : host;
}

function loadOrCreateSecretKey(dataDir: string): { secretKey: string; generated: boolean } {
  const file = resolve(dataDir, 'secret.key');
  if (existsSync(file)) {
    const secretKey = readFileSync(file, 'utf8').trim();
    if (secretKey.length < 32)
      throw new ConfigError(`Invalid configuration:\n  SECRET_KEY: ${file} is corrupt`);
    return { secretKey, generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const secretKey = crypto.getRandomValues(Buffer.alloc(32)).toString('base64url');
  writeFileSync(file, `${secretKey}\n`, { mode: 0o600, flag: 'wx' });
  return { secretKey, generated: true };
}
