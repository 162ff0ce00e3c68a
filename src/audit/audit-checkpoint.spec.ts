import { generateKeyPairSync } from 'node:crypto';
import {
  checkpointMessage,
  checkpointSignatureValid,
  keyIdOf,
  signCheckpoint,
} from './audit-checkpoint';

const unsigned = { treeSize: 12, rootHash: 'ab'.repeat(32), signedAt: '2026-12-01T10:00:00.000Z' };

describe('signed checkpoints', () => {
  const mine = generateKeyPairSync('ed25519');
  const theirs = generateKeyPairSync('ed25519');

  it('signs one line per field, and verifies under the signing key', () => {
    expect(checkpointMessage(unsigned).toString()).toBe(
      `salt-reader audit log v1\n12\n${'ab'.repeat(32)}\n2026-12-01T10:00:00.000Z\n`,
    );
    const checkpoint = signCheckpoint(mine.privateKey, unsigned);
    expect(checkpoint.keyId).toBe(keyIdOf(mine.publicKey));
    expect(checkpoint.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(checkpointSignatureValid(mine.publicKey, checkpoint)).toBe(true);
  });

  it('fails under the wrong public key, and when any field changes', () => {
    const checkpoint = signCheckpoint(mine.privateKey, unsigned);
    expect(checkpointSignatureValid(theirs.publicKey, checkpoint)).toBe(false);
    expect(checkpointSignatureValid(mine.publicKey, { ...checkpoint, treeSize: 13 })).toBe(false);
    expect(
      checkpointSignatureValid(mine.publicKey, { ...checkpoint, rootHash: 'cd'.repeat(32) }),
    ).toBe(false);
    expect(
      checkpointSignatureValid(mine.publicKey, {
        ...checkpoint,
        signedAt: '2026-12-01T10:00:00.001Z',
      }),
    ).toBe(false);
    expect(checkpointSignatureValid(mine.publicKey, { ...checkpoint, signature: 'AAAA' })).toBe(
      false,
    );
  });
});
