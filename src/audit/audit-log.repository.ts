import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, compactRows, firstRow, rows } from '../database/typed-query';
import { Checkpoint } from './audit-checkpoint';

// bytea arrives as a Buffer, timestamptz as a Date.
const CHECKPOINT = {
  treeSize: column.count(),
  rootHash: column.json<Buffer>(),
  signedAt: column.timestamp(),
  keyId: column.text(),
  signature: column.json<Buffer>(),
};
const CHECKPOINT_COLUMNS = 'tree_size, root_hash, signed_at, key_id, signature';
const LEAF = { leafIndex: column.count(), leafHash: column.json<Buffer>() };
const LEAF_HASH = { leafHash: column.json<Buffer>() };

const toCheckpoint = (row: {
  treeSize: number;
  rootHash: Buffer;
  signedAt: Date;
  keyId: string;
  signature: Buffer;
}): Checkpoint => ({
  treeSize: row.treeSize,
  rootHash: row.rootHash.toString('hex'),
  signedAt: row.signedAt.toISOString(),
  keyId: row.keyId,
  signature: row.signature.toString('base64'),
});

/** The log's leaves and signed checkpoints, as auditors read them (the sealer writes them). */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get databaseUrl(): string {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) throw new Error('audit verification needs the data source to be configured by URL');
    return url;
  }

  async latestCheckpoint(): Promise<Checkpoint | null> {
    const row = await firstRow(
      this.dataSource,
      CHECKPOINT,
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1`,
    );
    return row && toCheckpoint(row);
  }

  async checkpoint(treeSize: number): Promise<Checkpoint | null> {
    const row = await firstRow(
      this.dataSource,
      CHECKPOINT,
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tree_size = $1`,
      [treeSize],
    );
    return row && toCheckpoint(row);
  }

  /** One keyset page of checkpoints by tree size. */
  async checkpoints(
    afterSize: number | undefined,
    order: 'asc' | 'desc',
    limit: number,
  ): Promise<Checkpoint[]> {
    const params: unknown[] = [limit];
    let where = '';
    if (afterSize !== undefined) {
      params.push(afterSize);
      where = `WHERE tree_size ${order === 'asc' ? '>' : '<'} $2`;
    }
    const found = await rows(
      this.dataSource,
      CHECKPOINT,
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ${where}
        ORDER BY tree_size ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT $1`,
      params,
    );
    return found.map(toCheckpoint);
  }

  /** The leaf an event was sealed as, or null while it waits for the sealer. */
  async leafOf(seq: string): Promise<{ leafIndex: number; leafHash: Buffer } | null> {
    return firstRow(
      this.dataSource,
      LEAF,
      'SELECT leaf_index, leaf_hash FROM audit_leaves WHERE seq = $1',
      [seq],
    );
  }

  /** The first `size` leaf hashes, in order: what a proof is computed from. */
  async leafHashes(size: number): Promise<Buffer[]> {
    const found = await compactRows(
      this.dataSource,
      LEAF_HASH,
      'SELECT leaf_hash FROM audit_leaves WHERE leaf_index < $1 ORDER BY leaf_index',
      [size],
    );
    return found.map((row) => row.leafHash);
  }
}
