import { createHash } from 'node:crypto';
import {
  canonicalJson,
  eventHash,
  GENESIS_HASH,
  HashedEvent,
  hashedEventJson,
  storedEventHash,
} from './audit-hash';

const event: HashedEvent = {
  seq: '1',
  occurredAt: '2026-01-01T00:00:00.000Z',
  actorId: null,
  actorName: 'system',
  actorRole: 'system',
  action: 'photo-set.ready',
  entityType: 'photo-set',
  entityId: 'x',
  studyId: null,
  before: { status: 'processing' },
  after: { status: 'ready', views: ['top', 'back'] },
  reason: null,
  requestId: null,
  ip: null,
  userAgent: null,
};

// The first implementation, kept as the reference the optimised one must match byte for byte.
function referenceCanonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
function referenceEventHash(e: HashedEvent, prevHash: string): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(referenceCanonicalJson(e))
    .digest('hex');
}

const samples: unknown[] = [
  null,
  0,
  -0,
  1e21,
  1e-7,
  42.2,
  true,
  'quote " backslash \\ newline \n tab \t unicode é 😀 \u2028',
  [],
  {},
  [1, null, undefined, { b: 2, a: [3, { d: 4, c: undefined }] }],
  { Z: 1, a: 2, _: 3, é: 4, '10': 5, '9': 6, ä: { y: [true, false], x: 'x' } },
  { when: new Date('2026-01-02T03:04:05.678Z'), skip: undefined },
];

describe('audit hashing', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('canonicalises exactly as the reference implementation', () => {
    for (const sample of samples) {
      expect(canonicalJson(sample)).toBe(referenceCanonicalJson(sample));
    }
  });

  it('hashes exactly as the reference implementation, through both serialisers', () => {
    const variants: HashedEvent[] = [
      event,
      {
        ...event,
        seq: '123456789',
        actorId: '0b6f3c1e-9f0a-4d7e-8a53-2c1f4c8e9a10',
        studyId: '8f14e45f-ceea-467f-a9f0-0a4b1c8f3e21',
        before: samples[11],
        after: samples[10],
        reason: 'a "reason"\nwith lines',
        requestId: 'req-1',
        ip: '::1',
        userAgent: 'Mozilla/5.0 (X11) 😀',
      },
    ];
    for (const variant of variants) {
      expect(hashedEventJson(variant)).toBe(referenceCanonicalJson(variant));
      const reference = referenceEventHash(variant, GENESIS_HASH);
      expect(eventHash(variant, GENESIS_HASH)).toBe(reference);
      expect(storedEventHash(variant, GENESIS_HASH)).toBe(reference);
    }
  });

  it('does not depend on key order', () => {
    const shuffled = { ...event, after: { views: ['top', 'back'], status: 'ready' } };
    expect(eventHash(shuffled, GENESIS_HASH)).toBe(eventHash(event, GENESIS_HASH));
  });

  it('changes when any value or the previous hash changes', () => {
    const original = eventHash(event, GENESIS_HASH);
    expect(eventHash({ ...event, after: { status: 'final' } }, GENESIS_HASH)).not.toBe(original);
    expect(eventHash({ ...event, seq: '2' }, GENESIS_HASH)).not.toBe(original);
    expect(eventHash(event, 'f'.repeat(64))).not.toBe(original);
  });
});
