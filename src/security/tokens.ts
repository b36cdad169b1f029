import { createHash, randomBytes } from 'node:crypto';

/** A random secret with a readable kind prefix, e.g. `lt_pat_…`, so leaked tokens are recognisable. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** Secrets are looked up by hash: the database never holds a usable bearer value. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
