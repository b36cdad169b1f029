import pino from 'pino';
import type { Config } from './config.js';

export type Logger = pino.Logger;

/** Secrets must never reach the logs, whatever a log call passes in. */
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.secretKey',
  '*.refreshToken',
  '*.accessToken',
];

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' } });
}
