import pino from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

export type Logger = pino.Logger;

const secretKeys = ['password', 'token', 'apiKey', 'secretKey', 'refreshToken', 'accessToken'];

/**
 * Secrets must never reach the logs, whatever a log call passes in: at the top of the record
 * (`logger.info({ token })`) as well as one level down (`*.token` alone misses the first).
 */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...secretKeys,
  ...secretKeys.map((k) => `*.${k}`),
];

/** Where log lines go; stdout unless a test gives another (isTTY as stdout has it). */
export type LogOutput = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * JSON lines (pino) for machines: a pipe, a file, a service manager's journal. On a terminal the
 * same records as readable lines instead. Redaction happens before either, in pino itself.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, out: LogOutput = process.stdout): Logger {
  const options = { level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } };
  if (!out.isTTY) return pino(options, out);
  return pino(
    options,
    pretty({
      destination: out,
      sync: true,
      colorize: out === process.stdout && pretty.isColorSupported,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    }),
  );
}
