import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { entityColumns, oneRow, selectList } from '../database/typed-query';
import { ReadTaskEntity, ReadTaskKind } from './read-task.entity';

const TASK = entityColumns(ReadTaskEntity);

/**
 * Calibration and re-read tasks (reader-quality/): ordinary read_tasks rows, under ids their
 * publisher chose, told apart only by `kind`, which never leaves the server.
 */
@Injectable()
export class QualityTasksRepository {
  async insert(
    tx: EntityManager,
    task: {
      id: string;
      photoSetId: string;
      studyId: string;
      raterId: string;
      kind: Exclude<ReadTaskKind, 'live'>;
      readCode: string;
      queueKey: number;
    },
  ): Promise<ReadTaskEntity> {
    return oneRow(
      tx,
      TASK,
      `INSERT INTO read_tasks AS t (id, photo_set_id, study_id, slot, rater_id, read_code,
                                    queue_key, kind)
       VALUES ($1, $2, $3, 1, $4, $5, $6, $7) RETURNING ${selectList(TASK, 't')}`,
      [
        task.id,
        task.photoSetId,
        task.studyId,
        task.raterId,
        task.readCode,
        task.queueKey,
        task.kind,
      ],
    );
  }
}
