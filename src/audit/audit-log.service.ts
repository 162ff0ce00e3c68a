import { Injectable } from '@nestjs/common';
import { conflict, invalid, notFound } from '../common/domain-error';
import { Checkpoint, checkpointSignatureValid } from './audit-checkpoint';
import { LogVerifyResult, verifyLog } from './audit-log-verifier';
import { AuditLogRepository } from './audit-log.repository';
import { AuditSigningKey } from './audit-signing-key';
import { consistencyProof, inclusionProof } from './merkle';

/** The log's head as a study lock or an export records it. */
export interface LogHead {
  treeSize: number;
  rootHash: string;
  signedAt: string;
}

export interface PublicKeyView {
  algorithm: 'Ed25519';
  keyId: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

export interface CheckpointPage {
  items: Checkpoint[];
  nextCursor: string | null;
}

export interface InclusionProofView {
  seq: string;
  leafIndex: number;
  /** The event's leaf hash: SHA-256(0x00 || its canonical JSON), hex. */
  leafHash: string;
  /** Sibling hashes from the leaf up (RFC 9162 §2.1.3), hex. */
  proof: string[];
  checkpoint: Checkpoint;
}

export interface ConsistencyProofView {
  /** RFC 9162 §2.1.4, hex. */
  proof: string[];
  first: Checkpoint;
  second: Checkpoint;
}

const hex = (hashes: Buffer[]): string[] => hashes.map((hash) => hash.toString('hex'));

// Cursors are opaque to clients: the direction and last tree size of the previous page.
function encodeCursor(order: 'asc' | 'desc', size: number): string {
  return Buffer.from(`${order}:${size}`).toString('base64url');
}
function decodeCursor(cursor: string, order: 'asc' | 'desc'): number {
  const match = /^(asc|desc):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || match[1] !== order) throw invalid(['cursor is not valid for this query']);
  return Number(match[2]);
}

/** Checkpoints, proofs and verification of the audit log (docs/audit.md). */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly key: AuditSigningKey,
  ) {}

  /** The latest checkpoint signed by this log's key, or null before the first one. */
  async head(): Promise<LogHead | null> {
    const latest = await this.log.latestCheckpoint();
    if (!latest || !checkpointSignatureValid(this.key.publicKey, latest)) return null;
    return { treeSize: latest.treeSize, rootHash: latest.rootHash, signedAt: latest.signedAt };
  }

  publicKey(): PublicKeyView {
    return { algorithm: 'Ed25519', keyId: this.key.keyId, publicKeyPem: this.key.publicKeyPem };
  }

  async checkpoints(query: {
    cursor?: string;
    limit?: number;
    order?: 'asc' | 'desc';
  }): Promise<CheckpointPage> {
    const order = query.order ?? 'desc';
    const limit = query.limit ?? 100;
    const after = query.cursor ? decodeCursor(query.cursor, order) : undefined;
    const found = await this.log.checkpoints(after, order, limit + 1);
    const items = found.slice(0, limit);
    const more = found.length > limit;
    return {
      items,
      nextCursor: more ? encodeCursor(order, items[items.length - 1].treeSize) : null,
    };
  }

  async latest(): Promise<Checkpoint> {
    const latest = await this.log.latestCheckpoint();
    if (!latest) throw notFound('No checkpoint has been signed yet');
    return latest;
  }

  async checkpoint(treeSize: number): Promise<Checkpoint> {
    const found = await this.log.checkpoint(treeSize);
    if (!found) throw notFound(`No checkpoint has tree size ${treeSize}`);
    return found;
  }

  /** That the event is leaf i of the tree a checkpoint signed (the latest by default). */
  async inclusionProof(seq: string, treeSize?: number): Promise<InclusionProofView> {
    const leaf = await this.log.leafOf(seq);
    if (!leaf) {
      throw conflict(`Event ${seq} is not in the log (yet): events are sealed within a second`);
    }
    const checkpoint =
      treeSize === undefined ? await this.latest() : await this.checkpoint(treeSize);
    if (leaf.leafIndex >= checkpoint.treeSize) {
      throw conflict(`Event ${seq} was sealed after checkpoint ${checkpoint.treeSize}`);
    }
    const leaves = await this.log.leafHashes(checkpoint.treeSize);
    return {
      seq,
      leafIndex: leaf.leafIndex,
      leafHash: leaf.leafHash.toString('hex'),
      proof: hex(inclusionProof(leaves, leaf.leafIndex, checkpoint.treeSize)),
      checkpoint,
    };
  }

  /** That the tree of one checkpoint is a prefix of a later one's. */
  async consistencyProof(from: number, to: number): Promise<ConsistencyProofView> {
    if (from > to) throw invalid(['from must not be larger than to']);
    const [first, second] = await Promise.all([this.checkpoint(from), this.checkpoint(to)]);
    const leaves = await this.log.leafHashes(to);
    if (leaves.length < to) throw conflict(`The log has lost leaves below ${to}; run verify`);
    return { proof: hex(consistencyProof(leaves, from, to)), first, second };
  }

  /** Rebuilds the whole tree from the events, against the stored and any outside checkpoints. */
  verify(outside: Checkpoint[] = []): Promise<LogVerifyResult> {
    return verifyLog(
      this.log.databaseUrl,
      { publicKeyPem: this.key.publicKeyPem, keyId: this.key.keyId },
      outside,
    );
  }
}
