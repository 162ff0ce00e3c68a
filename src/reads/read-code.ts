import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so a code read aloud or copied by hand stays unambiguous. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const READ_CODE_LENGTH = 8;

/**
 * A read code names one read task to its rater (and an adjudication task to its adjudicator)
 * without saying anything about the subject, visit or set: 40 random bits, 8 characters.
 */
export function newReadCode(): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = READ_CODE_LENGTH - 1; i >= 0; i--) {
    code += CROCKFORD_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  }
  return code;
}

export const READ_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{8}$/;
