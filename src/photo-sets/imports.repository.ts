import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { changed, column, oneRow, Row, rows } from '../database/typed-query';
import { ImportEntity, ImportProblem, ImportStatus } from './import.entity';

const PROGRESS = { processed: column.int(), total: column.int(), completedNow: column.bool() };
const PENDING = { id: column.text(), status: column.text<ImportStatus>() };

@Injectable()
export class ImportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(
    tx: EntityManager,
    row: { studyId: string; archiveKey: string; createdBy: string },
  ): Promise<ImportEntity> {
    const entity = tx.create(ImportEntity, {
      ...row,
      status: 'validating',
      total: 0,
      processed: 0,
      errors: [],
      stagedKeys: [],
    });
    await tx.insert(ImportEntity, entity);
    return tx.findOneByOrFail(ImportEntity, { id: entity.id });
  }

  findById(id: string, tx?: EntityManager): Promise<ImportEntity | null> {
    return (tx ?? this.dataSource.manager).findOneBy(ImportEntity, { id });
  }

  lock(tx: EntityManager, id: string): Promise<ImportEntity | null> {
    return tx.findOne(ImportEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async update(
    tx: EntityManager,
    id: string,
    changes: Partial<
      Pick<ImportEntity, 'status' | 'total' | 'errors' | 'stagedKeys' | 'archiveKey'>
    >,
  ): Promise<void> {
    await tx.update(ImportEntity, { id }, changes);
  }

  /** Replaces the staged keys, returning what a previous attempt left behind. */
  async swapStagedKeys(tx: EntityManager, id: string, keys: string[]): Promise<string[]> {
    const row = await this.lock(tx, id);
    if (!row) return [];
    await tx.update(ImportEntity, { id }, { stagedKeys: keys });
    return row.stagedKeys;
  }

  /**
   * Recounts finished sets and completes the import when all are done. Call after locking the
   * import row in the same transaction, so the count sees every earlier commit.
   */
  async refreshProgress(tx: EntityManager, id: string): Promise<Row<typeof PROGRESS>> {
    return oneRow(
      tx,
      PROGRESS,
      `WITH done AS (
         SELECT count(*)::int AS n FROM photo_sets WHERE import_id = $1 AND status <> 'processing'
       ), before AS (SELECT status FROM imports WHERE id = $1)
       UPDATE imports i
          SET processed = done.n,
              status = CASE WHEN i.status = 'importing' AND done.n >= i.total THEN 'completed'
                            ELSE i.status END,
              updated_at = now()
         FROM done, before
        WHERE i.id = $1
       RETURNING i.processed, i.total,
                 (before.status = 'importing' AND i.status = 'completed') AS completed_now`,
      [id],
    );
  }

  async pending(): Promise<Row<typeof PENDING>[]> {
    return rows(
      this.dataSource.manager,
      PENDING,
      `SELECT id, status FROM imports WHERE status IN ('validating', 'importing') ORDER BY created_at`,
    );
  }

  async reject(tx: EntityManager, id: string, errors: ImportProblem[]): Promise<boolean> {
    return changed(
      tx,
      `UPDATE imports SET status = 'rejected', errors = $2::jsonb, archive_key = NULL,
              staged_keys = '{}', updated_at = now()
        WHERE id = $1 AND status = 'validating' RETURNING id`,
      [id, JSON.stringify(errors)],
    );
  }
}
