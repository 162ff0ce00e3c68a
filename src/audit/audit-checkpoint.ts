import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/** A signed statement of the log's state: its first `treeSize` leaves have this root. */
export interface Checkpoint {
  treeSize: number;
  /** The RFC 6962 root of the first treeSize leaves, hex. */
  rootHash: string;
  /** When the sealer signed it, ISO 8601 UTC with milliseconds. */
  signedAt: string;
  /** Which key signed it: the first 16 hex digits of SHA-256 of the public key's DER (SPKI). */
  keyId: string;
  /** Ed25519 over checkpointMessage(...), base64. */
  signature: string;
}

export type UnsignedCheckpoint = Pick<Checkpoint, 'treeSize' | 'rootHash' | 'signedAt'>;

const ORIGIN = 'salt-reader audit log v1';

/**
 * The exact bytes signed, one field per line so nothing can slide from one field into another:
 * anyone with the public key can check a checkpoint without salt-reader.
 */
export function checkpointMessage(checkpoint: UnsignedCheckpoint): Buffer {
  return Buffer.from(
    `${ORIGIN}\n${checkpoint.treeSize}\n${checkpoint.rootHash}\n${checkpoint.signedAt}\n`,
    'utf8',
  );
}

export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex').slice(0, 16);
}

export function signCheckpoint(privateKey: KeyObject, checkpoint: UnsignedCheckpoint): Checkpoint {
  return {
    ...checkpoint,
    keyId: keyIdOf(privateKey),
    signature: sign(null, checkpointMessage(checkpoint), privateKey).toString('base64'),
  };
}

/** Whether the checkpoint was signed, exactly as it reads, by the holder of this key. */
export function checkpointSignatureValid(publicKey: KeyObject, checkpoint: Checkpoint): boolean {
  if (!Number.isSafeInteger(checkpoint.treeSize) || !/^[0-9a-f]{64}$/.test(checkpoint.rootHash)) {
    return false;
  }
  try {
    return verify(
      null,
      checkpointMessage(checkpoint),
      publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
