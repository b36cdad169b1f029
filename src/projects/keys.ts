import type { Sealer } from '../security/sealed.js';
import { newSecret, sha256 } from '../security/tokens.js';

/** The public key in the tracker snippet: it can only write hits, so it may sit in page source. */
export function newSiteKey(): string {
  return newSecret('pk_', 12);
}

/** The secret key for server-to-server lead intake; looked up by hash, kept sealed for display. */
export function newApiKey(sealer: Sealer): { plain: string; hash: string; sealed: string } {
  const plain = newSecret('sk_', 32);
  return { plain, hash: sha256(plain), sealed: sealer.seal(plain) };
}
