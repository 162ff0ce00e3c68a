import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { changed, column, execute, firstRow, oneRow } from '../database/typed-query';

const LOCK = {
  id: column.text(),
  studyId: column.text(),
  studyCode: column.text(),
  lockedAt: column.timestamp(),
  lockedBy: column.text(),
  lockedByName: column.text(),
  reason: column.text(),
  auditHead: column.json<unknown>(),
};

export interface StudyLockRow {
  id: string;
  studyId: string;
  studyCode: string;
  lockedAt: Date;
  lockedBy: string;
  lockedByName: string;
  reason: string;
  auditHead: unknown;
}

const SELECT_OPEN_LOCK = `
  SELECT l.id, l.study_id, s.code AS study_code, l.locked_at, l.locked_by,
         u.name AS locked_by_name, l.reason, l.audit_head
    FROM study_locks l
    JOIN studies s ON s.id = l.study_id
    JOIN users u ON u.id = l.locked_by
   WHERE l.study_id = $1 AND l.unlocked_at IS NULL`;

/**
 * The advisory lock that orders a study's writes against its locking: every write of the study
 * takes it shared in its transaction, locking and unlocking take it exclusive. Writers share it,
 * so they never wait for each other (a share lock on the study's row would also work, but all
 * the writers of a study sharing one row makes Postgres build a MultiXact per writer, and
 * writes a WAL record for each). `param` is the SQL parameter holding the study id.
 */
export function studyWriteLockSql(param: string, mode: 'shared' | 'exclusive'): string {
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  // Through uuid, so that every spelling of one id (upper case, say) names the same lock.
  return `${fn}(hashtext('study-lock'), hashtext(${param}::uuid::text))`;
}

/**
 * Whether the study has an open lock, as an SQL condition on `param` (the study id). Evaluated
 * in a statement that starts after the writer holds the shared lock above, it sees any lock
 * committed before: a lock taken later waits for the writer's commit.
 */
export function studyOpenSql(param: string): string {
  return `NOT EXISTS (SELECT 1 FROM study_locks
                       WHERE study_id = ${param} AND unlocked_at IS NULL)`;
}

/** The `study_locks` table: data freezes of a study, at most one open at a time. */
@Injectable()
export class StudyLockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The study's open lock, read after taking the study's write lock shared (studyWriteLockSql):
   * locking takes it exclusive, so a write that checked here either commits before the lock or
   * sees it. Two statements: the second's snapshot must start after the first got the lock.
   */
  async openLockShared(tx: EntityManager, studyId: string): Promise<StudyLockRow | null> {
    await execute(tx, `SELECT ${studyWriteLockSql('$1', 'shared')}`, [studyId]);
    return (await firstRow(tx, LOCK, SELECT_OPEN_LOCK, [studyId])) ?? null;
  }

  /** Takes the study's write lock exclusive (lock, unlock): its writers drain first. */
  async lockWrites(tx: EntityManager, studyId: string): Promise<void> {
    await execute(tx, `SELECT ${studyWriteLockSql('$1', 'exclusive')}`, [studyId]);
  }

  async openLock(studyId: string, tx?: EntityManager): Promise<StudyLockRow | null> {
    return (await firstRow(tx ?? this.dataSource, LOCK, SELECT_OPEN_LOCK, [studyId])) ?? null;
  }

  async insert(
    tx: EntityManager,
    lock: { studyId: string; lockedBy: string; reason: string; auditHead: unknown },
  ): Promise<{ id: string; lockedAt: Date }> {
    return oneRow(
      tx,
      { id: column.text(), lockedAt: column.timestamp() },
      `INSERT INTO study_locks (study_id, locked_by, reason, audit_head)
       VALUES ($1, $2, $3, $4::jsonb) RETURNING id, locked_at`,
      [lock.studyId, lock.lockedBy, lock.reason, JSON.stringify(lock.auditHead)],
    );
  }

  async close(
    tx: EntityManager,
    lockId: string,
    unlock: { unlockedBy: string; reason: string },
  ): Promise<boolean> {
    return changed(
      tx,
      `UPDATE study_locks SET unlocked_at = now(), unlocked_by = $2, unlock_reason = $3
        WHERE id = $1 AND unlocked_at IS NULL RETURNING id`,
      [lockId, unlock.unlockedBy, unlock.reason],
    );
  }
}
