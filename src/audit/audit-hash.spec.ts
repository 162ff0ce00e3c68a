import { canonicalJson, eventHash, GENESIS_HASH, HashedEvent } from './audit-hash';

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

describe('audit hashing', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
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
