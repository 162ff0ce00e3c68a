import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret: 32 random bytes, with a prefix that makes leaked tokens easy to spot. */
export function newSecret(prefix: 'ses' | 'sat'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * Only this digest is stored: the secrets have 256 bits of entropy, so a fast hash is enough
 * and a stolen table holds nothing that can be replayed.
 */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
