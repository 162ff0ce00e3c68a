import { createHash, hash as oneShotHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers, in their stored form. */
export interface HashedEvent {
  seq: string;
  occurredAt: string;
  actorId: string | null;
  actorName: string;
  actorRole: string;
  action: string;
  entityType: string;
  entityId: string | null;
  studyId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

// What JSON.stringify escapes in a string: '"', '\\', control characters, and (lone) surrogates.
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * JSON.stringify(text), without its cost for the common string that needs no escape (about half
 * of the verifier's serialising time went there). Paired surrogates, which JSON.stringify keeps
 * as they are, take the slow path too: only the output of the fast one must be identical.
 */
function quote(text: string): string {
  return ESCAPED.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

/**
 * JSON with object keys sorted at every depth, so the same event always hashes the same way
 * whatever order jsonb hands its keys back in. Keys compare by UTF-16 code units (the default
 * `sort()` order) and undefined members are left out, as `JSON.stringify` does.
 *
 * Written with plain loops rather than entries/map/join: verification canonicalises every event
 * of the trail, and this is its hot path.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return out + ']';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += quote(key) + ':' + canonicalJson(member);
  }
  return out + '}';
}

const sha256Hex: (data: string) => string =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/** SHA-256 (hex) of `prevHash + "\n" + canonicalJson(event)`. */
export function eventHash(event: HashedEvent, prevHash: string): string {
  return sha256Hex(prevHash + '\n' + canonicalJson(event));
}

const str = (value: string | null): string => (value === null ? 'null' : quote(value));

/**
 * `canonicalJson(event)` for an event with exactly the HashedEvent fields, with the key order
 * written out instead of sorted. Verification hashes a million of these; the unit spec pins it to
 * canonicalJson.
 */
export function hashedEventJson(e: HashedEvent): string {
  return (
    '{"action":' +
    quote(e.action) +
    ',"actorId":' +
    str(e.actorId) +
    ',"actorName":' +
    quote(e.actorName) +
    ',"actorRole":' +
    quote(e.actorRole) +
    ',"after":' +
    canonicalJson(e.after) +
    ',"before":' +
    canonicalJson(e.before) +
    ',"entityId":' +
    str(e.entityId) +
    ',"entityType":' +
    quote(e.entityType) +
    ',"ip":' +
    str(e.ip) +
    ',"occurredAt":' +
    quote(e.occurredAt) +
    ',"reason":' +
    str(e.reason) +
    ',"requestId":' +
    str(e.requestId) +
    ',"seq":' +
    quote(e.seq) +
    ',"studyId":' +
    str(e.studyId) +
    ',"userAgent":' +
    str(e.userAgent) +
    '}'
  );
}

/** The same digest as eventHash, through the fixed-order serialiser. */
export function storedEventHash(event: HashedEvent, prevHash: string): string {
  return sha256Hex(prevHash + '\n' + hashedEventJson(event));
}

/**
 * The event's leaf in the audit log (RFC 6962): SHA-256(0x00 || canonical JSON). Newer events
 * store it, hex, as their `hash`; the sealer and verifier recompute it from the stored fields.
 */
export function eventLeafHash(event: HashedEvent): Buffer {
  return Buffer.from(eventLeafHashHex(event), 'hex');
}

/** eventLeafHash in hex; U+0000 is the single byte 0x00 in UTF-8, the RFC 6962 leaf prefix. */
export function eventLeafHashHex(event: HashedEvent): string {
  return sha256Hex('\u0000' + hashedEventJson(event));
}
