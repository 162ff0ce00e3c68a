import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  changed,
  column,
  entityColumns,
  firstRow,
  oneRow,
  Row,
  rows,
  selectList,
} from '../database/typed-query';
import { RaterLoad } from '../reads/pairing';
import { RegionScores } from '../scoring/salt';
import {
  AdjudicationChoice,
  AdjudicationDecisionEntity,
  AdjudicationTaskEntity,
  FinalSource,
  PairEvaluationEntity,
} from './adjudication.entities';

const TASK = entityColumns(AdjudicationTaskEntity);
const EVALUATION = entityColumns(PairEvaluationEntity);
const DECISION = entityColumns(AdjudicationDecisionEntity);
const SCORES_WITH_SALT = {
  top: column.numeric(),
  back: column.numeric(),
  left: column.numeric(),
  right: column.numeric(),
  salt: column.numeric(),
};
const ADJUDICATION_COUNTS = {
  open: column.count(),
  decidedToday: column.count(),
  decided: column.count(),
};
const FINAL_VERSION = { id: column.text(), version: column.int() };
const ADJUDICATOR_LOAD = { raterId: column.text(), openTasks: column.count() };
const QUEUE_ITEM = {
  id: column.text(),
  code: column.text(),
  status: column.text<AdjudicationTaskEntity['status']>(),
};
const PAIR_AWAITING = { photoSetId: column.text(), readIds: column.json<string[]>() };
const OPEN_ADJUDICATION = {
  photoSetId: column.text(),
  taskId: column.text(),
  adjudicatorId: column.text(),
};

export type ScoresWithSalt = Row<typeof SCORES_WITH_SALT>;
export type AdjudicationCounts = Row<typeof ADJUDICATION_COUNTS>;
export type OpenAdjudication = Row<typeof OPEN_ADJUDICATION>;

/** All SQL about pair evaluations, adjudication and final scores. */
@Injectable()
export class AdjudicationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  // ---- evaluations ---------------------------------------------------------------------------

  async findEvaluation(
    tx: EntityManager,
    readAId: string,
    readBId: string,
  ): Promise<PairEvaluationEntity | null> {
    return firstRow(
      tx,
      EVALUATION,
      `SELECT ${selectList(EVALUATION, 'e')} FROM pair_evaluations e
        WHERE e.read_a_id = $1 AND e.read_b_id = $2`,
      [readAId, readBId],
    );
  }

  async insertEvaluation(
    tx: EntityManager,
    evaluation: Pick<
      PairEvaluationEntity,
      'photoSetId' | 'readAId' | 'readBId' | 'difference' | 'rulesFired' | 'rules' | 'outcome'
    >,
  ): Promise<PairEvaluationEntity> {
    return oneRow(
      tx,
      EVALUATION,
      `INSERT INTO pair_evaluations AS e
              (photo_set_id, read_a_id, read_b_id, difference, rules_fired, rules, outcome)
       VALUES ($1, $2, $3, $4, $5::text[], $6::jsonb, $7) RETURNING ${selectList(EVALUATION, 'e')}`,
      [
        evaluation.photoSetId,
        evaluation.readAId,
        evaluation.readBId,
        evaluation.difference,
        evaluation.rulesFired,
        JSON.stringify(evaluation.rules),
        evaluation.outcome,
      ],
    );
  }

  async evaluationById(tx: EntityManager | undefined, id: string): Promise<PairEvaluationEntity> {
    return oneRow(
      this.db(tx),
      EVALUATION,
      `SELECT ${selectList(EVALUATION, 'e')} FROM pair_evaluations e WHERE e.id = $1`,
      [id],
    );
  }

  async scoresOfRead(tx: EntityManager | undefined, readId: string): Promise<ScoresWithSalt> {
    return oneRow(
      this.db(tx),
      SCORES_WITH_SALT,
      `SELECT score_top AS top, score_back AS back, score_left AS left, score_right AS right, salt
         FROM reads WHERE id = $1`,
      [readId],
    );
  }

  // ---- final scores --------------------------------------------------------------------------

  async insertFinal(
    tx: EntityManager,
    final: {
      photoSetId: string;
      salt: number;
      source: FinalSource;
      evaluationId: string;
      adjudicationDecisionId: string | null;
    },
  ): Promise<{ id: string; version: number }> {
    return oneRow(
      tx,
      FINAL_VERSION,
      `INSERT INTO final_scores (photo_set_id, version, salt, source, evaluation_id,
                                 adjudication_decision_id)
       SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5
         FROM final_scores WHERE photo_set_id = $1
       RETURNING id, version`,
      [
        final.photoSetId,
        final.salt,
        final.source,
        final.evaluationId,
        final.adjudicationDecisionId,
      ],
    );
  }

  // ---- adjudicators --------------------------------------------------------------------------

  async adjudicatorLoads(tx: EntityManager, ids: string[]): Promise<RaterLoad[]> {
    if (!ids.length) return [];
    return rows(
      tx,
      ADJUDICATOR_LOAD,
      `SELECT u.id AS rater_id,
              (SELECT count(*) FROM adjudication_tasks a
                WHERE a.adjudicator_id = u.id AND a.status = 'open') AS open_tasks
         FROM unnest($1::uuid[]) AS u(id)`,
      [ids],
    );
  }

  async insertTask(
    tx: EntityManager,
    task: Pick<
      AdjudicationTaskEntity,
      'photoSetId' | 'studyId' | 'evaluationId' | 'adjudicatorId' | 'code' | 'queueKey'
    >,
  ): Promise<AdjudicationTaskEntity> {
    return oneRow(
      tx,
      TASK,
      `INSERT INTO adjudication_tasks AS a
              (photo_set_id, study_id, evaluation_id, adjudicator_id, code, queue_key)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${selectList(TASK, 'a')}`,
      [
        task.photoSetId,
        task.studyId,
        task.evaluationId,
        task.adjudicatorId,
        task.code,
        task.queueKey,
      ],
    );
  }

  async openTaskOfSet(
    tx: EntityManager,
    photoSetId: string,
  ): Promise<AdjudicationTaskEntity | null> {
    return firstRow(
      tx,
      TASK,
      `SELECT ${selectList(TASK, 'a')} FROM adjudication_tasks a
        WHERE a.photo_set_id = $1 AND a.status = 'open' FOR UPDATE`,
      [photoSetId],
    );
  }

  async handOver(
    tx: EntityManager,
    taskId: string,
    adjudicatorId: string,
    code: string,
  ): Promise<boolean> {
    return changed(
      tx,
      `UPDATE adjudication_tasks
          SET adjudicator_id = $2, code = $3, queue_key = random(), updated_at = now()
        WHERE id = $1 AND status = 'open' RETURNING id`,
      [taskId, adjudicatorId, code],
    );
  }

  // ---- the adjudicator's own tasks -----------------------------------------------------------

  async ownTask(
    adjudicatorId: string,
    taskId: string,
    tx?: EntityManager,
  ): Promise<AdjudicationTaskEntity | null> {
    return firstRow(
      this.db(tx),
      TASK,
      `SELECT ${selectList(TASK, 'a')} FROM adjudication_tasks a
        WHERE a.id = $1 AND a.adjudicator_id = $2 AND a.status IN ('open', 'decided')`,
      [taskId, adjudicatorId],
    );
  }

  async openTasks(
    adjudicatorId: string,
  ): Promise<Pick<AdjudicationTaskEntity, 'id' | 'code' | 'status'>[]> {
    return rows(
      this.dataSource.manager,
      QUEUE_ITEM,
      `SELECT a.id, a.code, a.status FROM adjudication_tasks a
        WHERE a.adjudicator_id = $1 AND a.status = 'open' ORDER BY a.queue_key, a.id`,
      [adjudicatorId],
    );
  }

  async nextOpenTask(adjudicatorId: string): Promise<AdjudicationTaskEntity | null> {
    return firstRow(
      this.dataSource.manager,
      TASK,
      `SELECT ${selectList(TASK, 'a')} FROM adjudication_tasks a
        WHERE a.adjudicator_id = $1 AND a.status = 'open' ORDER BY a.queue_key, a.id LIMIT 1`,
      [adjudicatorId],
    );
  }

  async counts(adjudicatorId: string): Promise<AdjudicationCounts> {
    return oneRow(
      this.dataSource.manager,
      ADJUDICATION_COUNTS,
      `SELECT count(*) FILTER (WHERE status = 'open') AS open,
              count(*) FILTER (WHERE status = 'decided'
                                 AND decided_at >= date_trunc('day', now())) AS decided_today,
              count(*) FILTER (WHERE status = 'decided') AS decided
         FROM adjudication_tasks WHERE adjudicator_id = $1`,
      [adjudicatorId],
    );
  }

  /** Marks the task decided if it is the caller's and still open. */
  async markDecided(
    tx: EntityManager,
    taskId: string,
    adjudicatorId: string,
  ): Promise<AdjudicationTaskEntity | null> {
    return firstRow(
      tx,
      TASK,
      `UPDATE adjudication_tasks AS a SET status = 'decided', decided_at = now(), updated_at = now()
        WHERE a.id = $1 AND a.adjudicator_id = $2 AND a.status = 'open'
        RETURNING ${selectList(TASK, 'a')}`,
      [taskId, adjudicatorId],
    );
  }

  async insertDecision(
    tx: EntityManager,
    decision: {
      adjudicationTaskId: string;
      photoSetId: string;
      adjudicatorId: string;
      choice: AdjudicationChoice;
      own: RegionScores | null;
      salt: number;
      rationale: string;
    },
  ): Promise<AdjudicationDecisionEntity> {
    return oneRow(
      tx,
      DECISION,
      `INSERT INTO adjudication_decisions AS d
              (adjudication_task_id, photo_set_id, adjudicator_id, choice, score_top, score_back,
               score_left, score_right, salt, rationale)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${selectList(DECISION, 'd')}`,
      [
        decision.adjudicationTaskId,
        decision.photoSetId,
        decision.adjudicatorId,
        decision.choice,
        decision.own?.top ?? null,
        decision.own?.back ?? null,
        decision.own?.left ?? null,
        decision.own?.right ?? null,
        decision.salt,
        decision.rationale,
      ],
    );
  }

  async decisionOf(taskId: string): Promise<AdjudicationDecisionEntity | null> {
    return firstRow(
      this.dataSource.manager,
      DECISION,
      `SELECT ${selectList(DECISION, 'd')} FROM adjudication_decisions d
        WHERE d.adjudication_task_id = $1`,
      [taskId],
    );
  }

  // ---- reconciliation ------------------------------------------------------------------------

  /** Sets being read whose two current reads are in but that have not moved on yet. */
  async pairsAwaitingEvaluation(
    tx: EntityManager,
    studyId?: string,
  ): Promise<Row<typeof PAIR_AWAITING>[]> {
    return rows(
      tx,
      PAIR_AWAITING,
      `SELECT s.id AS photo_set_id, array_agg(r.id ORDER BY t.slot) AS read_ids
         FROM photo_sets s
         JOIN read_tasks t ON t.photo_set_id = s.id AND t.status = 'submitted' AND t.kind = 'live'
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
        WHERE s.status = 'reading' AND ($1::uuid IS NULL OR s.study_id = $1)
        GROUP BY s.id HAVING count(*) = 2`,
      [studyId ?? null],
    );
  }

  /** Open adjudications whose adjudicator may no longer adjudicate in the study. */
  async orphanedAdjudications(tx: EntityManager): Promise<OpenAdjudication[]> {
    return rows(
      tx,
      OPEN_ADJUDICATION,
      `SELECT a.photo_set_id, a.id AS task_id, a.adjudicator_id
         FROM adjudication_tasks a JOIN users u ON u.id = a.adjudicator_id
         LEFT JOIN study_members m ON m.study_id = a.study_id AND m.user_id = a.adjudicator_id
        WHERE a.status = 'open'
          AND (NOT u.active OR NOT 'adjudicator' = ANY(u.roles) OR m.user_id IS NULL
               OR NOT 'adjudicator' = ANY(m.roles))`,
    );
  }

  async openAdjudicationsOf(
    tx: EntityManager,
    adjudicatorId: string,
    studyId?: string,
  ): Promise<OpenAdjudication[]> {
    return rows(
      tx,
      OPEN_ADJUDICATION,
      `SELECT photo_set_id, id AS task_id, adjudicator_id
         FROM adjudication_tasks
        WHERE adjudicator_id = $1 AND status = 'open' AND ($2::uuid IS NULL OR study_id = $2)`,
      [adjudicatorId, studyId ?? null],
    );
  }

  // ---- image queries (src/queries/) ----------------------------------------------------------

  /** Takes the set's open adjudication out of its adjudicator's queue while a query is open. */
  async withdrawOpen(tx: EntityManager, photoSetId: string): Promise<string[]> {
    const found = await rows(
      tx,
      { id: column.text() },
      `UPDATE adjudication_tasks SET status = 'withdrawn', updated_at = now()
        WHERE photo_set_id = $1 AND status = 'open' RETURNING id`,
      [photoSetId],
    );
    return found.map((row) => row.id);
  }

  /** Gives a withdrawn adjudication back to its adjudicator, with the coordinator's comment. */
  async restoreWithdrawn(
    tx: EntityManager,
    photoSetId: string,
    comment: string,
  ): Promise<string[]> {
    const found = await rows(
      tx,
      { id: column.text() },
      `UPDATE adjudication_tasks SET status = 'open', query_comment = $2, updated_at = now()
        WHERE photo_set_id = $1 AND status = 'withdrawn' RETURNING id`,
      [photoSetId, comment],
    );
    return found.map((row) => row.id);
  }

  /** Voids a withdrawn or open adjudication whose reads a replacement image voided. */
  async voidUndecided(tx: EntityManager, photoSetId: string, reason: string): Promise<string[]> {
    const found = await rows(
      tx,
      { id: column.text() },
      `UPDATE adjudication_tasks
          SET status = 'voided', void_reason = $2, voided_at = now(), updated_at = now()
        WHERE photo_set_id = $1 AND status IN ('open', 'withdrawn') RETURNING id`,
      [photoSetId, reason],
    );
    return found.map((row) => row.id);
  }
}
