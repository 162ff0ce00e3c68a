import { hash, verify } from '@node-rs/argon2';
import { DomainError } from '../common/domain-error';

// OWASP's argon2id baseline (19 MiB, t=2, p=1): slow for guessing, quick enough for a login.
// @node-rs/argon2 ships its binary as a per-platform package, so it loads without an install
// script or a compiler (the slim image has neither). Its default algorithm is argon2id; the spec
// checks the PHC string says so.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Verifies any argon2 PHC string, including those stored before the library changed. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await verify(hash, password);
  } catch {
    return false;
  }
}

// Verified against when the email is unknown, so both failures take the same time.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('decoy password that nobody has');
  return decoyHash;
}

/** The one password policy, for new accounts, admin resets and a user's own change. */
export function assertPasswordStrength(password: string, minLength: number, field: string): void {
  if (password.length < minLength) {
    throw new DomainError('invalid', [`${field} must be at least ${minLength} characters long`]);
  }
}
