import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { RaterLoad } from '../reads/pairing';
import { RegionScores } from '../reads/salt';
import {
  AdjudicationChoice,
  AdjudicationDecisionEntity,
  AdjudicationTaskEntity,
  FinalSource,
  PairEvaluationEntity,
} from './adjudication.entities';

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

const TASK_COLUMNS = `
  a.id, a.photo_set_id AS "photoSetId", a.study_id AS "studyId", a.evaluation_id AS "evaluationId",
  a.adjudicator_id AS "adjudicatorId", a.code, a.queue_key AS "queueKey", a.status,
  a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.decided_at AS "decidedAt"`;

const EVALUATION_COLUMNS = `
  e.id, e.photo_set_id AS "photoSetId", e.read_a_id AS "readAId", e.read_b_id AS "readBId",
  e.difference, e.rules_fired AS "rulesFired", e.rules, e.outcome, e.evaluated_at AS "evaluatedAt"`;

const DECISION_COLUMNS = `
  d.id, d.adjudication_task_id AS "adjudicationTaskId", d.photo_set_id AS "photoSetId",
  d.adjudicator_id AS "adjudicatorId", d.choice, d.score_top AS top, d.score_back AS back,
  d.score_left AS "left", d.score_right AS "right", d.salt, d.rationale, d.decided_at AS "decidedAt"`;

function toEvaluation(row: PairEvaluationEntity): PairEvaluationEntity {
  return { ...row, difference: num(row.difference) };
}

function toDecision(row: AdjudicationDecisionEntity): AdjudicationDecisionEntity {
  return {
    ...row,
    top: numOrNull(row.top),
    back: numOrNull(row.back),
    left: numOrNull(row.left),
    right: numOrNull(row.right),
    salt: num(row.salt),
  };
}

export type ScoresWithSalt = RegionScores & { salt: number };

export interface AdjudicationCounts {
  open: number;
  decidedToday: number;
  decided: number;
}

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
    const [row] = await queryRows<PairEvaluationEntity>(
      tx,
      `SELECT ${EVALUATION_COLUMNS} FROM pair_evaluations e
        WHERE e.read_a_id = $1 AND e.read_b_id = $2`,
      [readAId, readBId],
    );
    return row ? toEvaluation(row) : null;
  }

  async insertEvaluation(
    tx: EntityManager,
    evaluation: Pick<
      PairEvaluationEntity,
      'photoSetId' | 'readAId' | 'readBId' | 'difference' | 'rulesFired' | 'rules' | 'outcome'
    >,
  ): Promise<PairEvaluationEntity> {
    const [row] = await queryRows<PairEvaluationEntity>(
      tx,
      `INSERT INTO pair_evaluations AS e
              (photo_set_id, read_a_id, read_b_id, difference, rules_fired, rules, outcome)
       VALUES ($1, $2, $3, $4, $5::text[], $6::jsonb, $7) RETURNING ${EVALUATION_COLUMNS}`,
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
    return toEvaluation(row);
  }

  async evaluationById(tx: EntityManager | undefined, id: string): Promise<PairEvaluationEntity> {
    const [row] = await queryRows<PairEvaluationEntity>(
      this.db(tx),
      `SELECT ${EVALUATION_COLUMNS} FROM pair_evaluations e WHERE e.id = $1`,
      [id],
    );
    return toEvaluation(row);
  }

  async scoresOfRead(tx: EntityManager | undefined, readId: string): Promise<ScoresWithSalt> {
    const [row] = await queryRows<Record<keyof ScoresWithSalt, string>>(
      this.db(tx),
      `SELECT score_top AS top, score_back AS back, score_left AS "left", score_right AS "right",
              salt FROM reads WHERE id = $1`,
      [readId],
    );
    return {
      top: num(row.top),
      back: num(row.back),
      left: num(row.left),
      right: num(row.right),
      salt: num(row.salt),
    };
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
    const [row] = await queryRows<{ id: string; version: number }>(
      tx,
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
    return row;
  }

  // ---- adjudicators --------------------------------------------------------------------------

  async adjudicatorLoads(tx: EntityManager, ids: string[]): Promise<RaterLoad[]> {
    if (!ids.length) return [];
    const rows = await queryRows<{ raterId: string; openTasks: string }>(
      tx,
      `SELECT u.id AS "raterId",
              (SELECT count(*) FROM adjudication_tasks a
                WHERE a.adjudicator_id = u.id AND a.status = 'open') AS "openTasks"
         FROM unnest($1::uuid[]) AS u(id)`,
      [ids],
    );
    return rows.map((row) => ({ raterId: row.raterId, openTasks: Number(row.openTasks) }));
  }

  async insertTask(
    tx: EntityManager,
    task: Pick<
      AdjudicationTaskEntity,
      'photoSetId' | 'studyId' | 'evaluationId' | 'adjudicatorId' | 'code' | 'queueKey'
    >,
  ): Promise<AdjudicationTaskEntity> {
    const [row] = await queryRows<AdjudicationTaskEntity>(
      tx,
      `INSERT INTO adjudication_tasks AS a
              (photo_set_id, study_id, evaluation_id, adjudicator_id, code, queue_key)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TASK_COLUMNS}`,
      [
        task.photoSetId,
        task.studyId,
        task.evaluationId,
        task.adjudicatorId,
        task.code,
        task.queueKey,
      ],
    );
    return row;
  }

  async openTaskOfSet(
    tx: EntityManager,
    photoSetId: string,
  ): Promise<AdjudicationTaskEntity | null> {
    const [row] = await queryRows<AdjudicationTaskEntity>(
      tx,
      `SELECT ${TASK_COLUMNS} FROM adjudication_tasks a
        WHERE a.photo_set_id = $1 AND a.status = 'open' FOR UPDATE`,
      [photoSetId],
    );
    return row ?? null;
  }

  async handOver(
    tx: EntityManager,
    taskId: string,
    adjudicatorId: string,
    code: string,
  ): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE adjudication_tasks
          SET adjudicator_id = $2, code = $3, queue_key = random(), updated_at = now()
        WHERE id = $1 AND status = 'open' RETURNING id`,
      [taskId, adjudicatorId, code],
    );
    return rows.length > 0;
  }

  // ---- the adjudicator's own tasks -----------------------------------------------------------

  async ownTask(
    adjudicatorId: string,
    taskId: string,
    tx?: EntityManager,
  ): Promise<AdjudicationTaskEntity | null> {
    const [row] = await queryRows<AdjudicationTaskEntity>(
      this.db(tx),
      `SELECT ${TASK_COLUMNS} FROM adjudication_tasks a
        WHERE a.id = $1 AND a.adjudicator_id = $2`,
      [taskId, adjudicatorId],
    );
    return row ?? null;
  }

  async openTasks(
    adjudicatorId: string,
  ): Promise<Pick<AdjudicationTaskEntity, 'id' | 'code' | 'status'>[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT a.id, a.code, a.status FROM adjudication_tasks a
        WHERE a.adjudicator_id = $1 AND a.status = 'open' ORDER BY a.queue_key, a.id`,
      [adjudicatorId],
    );
  }

  async nextOpenTask(adjudicatorId: string): Promise<AdjudicationTaskEntity | null> {
    const [row] = await queryRows<AdjudicationTaskEntity>(
      this.dataSource.manager,
      `SELECT ${TASK_COLUMNS} FROM adjudication_tasks a
        WHERE a.adjudicator_id = $1 AND a.status = 'open' ORDER BY a.queue_key, a.id LIMIT 1`,
      [adjudicatorId],
    );
    return row ?? null;
  }

  async counts(adjudicatorId: string): Promise<AdjudicationCounts> {
    const [row] = await queryRows<Record<keyof AdjudicationCounts, string>>(
      this.dataSource.manager,
      `SELECT count(*) FILTER (WHERE status = 'open') AS open,
              count(*) FILTER (WHERE status = 'decided'
                                 AND decided_at >= date_trunc('day', now())) AS "decidedToday",
              count(*) FILTER (WHERE status = 'decided') AS decided
         FROM adjudication_tasks WHERE adjudicator_id = $1`,
      [adjudicatorId],
    );
    return {
      open: Number(row.open),
      decidedToday: Number(row.decidedToday),
      decided: Number(row.decided),
    };
  }

  /** Marks the task decided if it is the caller's and still open. */
  async markDecided(
    tx: EntityManager,
    taskId: string,
    adjudicatorId: string,
  ): Promise<AdjudicationTaskEntity | null> {
    const [row] = await queryRows<AdjudicationTaskEntity>(
      tx,
      `UPDATE adjudication_tasks AS a SET status = 'decided', decided_at = now(), updated_at = now()
        WHERE a.id = $1 AND a.adjudicator_id = $2 AND a.status = 'open'
        RETURNING ${TASK_COLUMNS}`,
      [taskId, adjudicatorId],
    );
    return row ?? null;
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
    const [row] = await queryRows<AdjudicationDecisionEntity>(
      tx,
      `INSERT INTO adjudication_decisions AS d
              (adjudication_task_id, photo_set_id, adjudicator_id, choice, score_top, score_back,
               score_left, score_right, salt, rationale)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${DECISION_COLUMNS}`,
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
    return toDecision(row);
  }

  async decisionOf(taskId: string): Promise<AdjudicationDecisionEntity | null> {
    const [row] = await queryRows<AdjudicationDecisionEntity>(
      this.dataSource.manager,
      `SELECT ${DECISION_COLUMNS} FROM adjudication_decisions d WHERE d.adjudication_task_id = $1`,
      [taskId],
    );
    return row ? toDecision(row) : null;
  }

  // ---- reconciliation ------------------------------------------------------------------------

  /** Sets being read whose two current reads are in but that have not moved on yet. */
  async pairsAwaitingEvaluation(
    tx: EntityManager,
    studyId?: string,
  ): Promise<{ photoSetId: string; readIds: string[] }[]> {
    return queryRows(
      tx,
      `SELECT s.id AS "photoSetId", array_agg(r.id ORDER BY t.slot) AS "readIds"
         FROM photo_sets s
         JOIN read_tasks t ON t.photo_set_id = s.id AND t.status = 'submitted'
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
        WHERE s.status = 'reading' AND ($1::uuid IS NULL OR s.study_id = $1)
        GROUP BY s.id HAVING count(*) = 2`,
      [studyId ?? null],
    );
  }

  /** Open adjudications whose adjudicator may no longer adjudicate in the study. */
  async orphanedAdjudications(
    tx: EntityManager,
  ): Promise<{ photoSetId: string; taskId: string; adjudicatorId: string }[]> {
    return queryRows(
      tx,
      `SELECT a.photo_set_id AS "photoSetId", a.id AS "taskId", a.adjudicator_id AS "adjudicatorId"
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
  ): Promise<{ photoSetId: string; taskId: string; adjudicatorId: string }[]> {
    return queryRows(
      tx,
      `SELECT photo_set_id AS "photoSetId", id AS "taskId", adjudicator_id AS "adjudicatorId"
         FROM adjudication_tasks
        WHERE adjudicator_id = $1 AND status = 'open' AND ($2::uuid IS NULL OR study_id = $2)`,
      [adjudicatorId, studyId ?? null],
    );
  }
}
