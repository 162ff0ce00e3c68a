import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { decimalColumn } from '../database/typed-query';
import { DiscordanceRule, DiscordanceRuleName } from '../scoring/discordance';

/** The study rule applied to one pair of read versions, and what it found. Immutable. */
@Entity({ name: 'pair_evaluations' })
export class PairEvaluationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'photo_set_id', type: 'uuid' })
  photoSetId!: string;

  @Column({ name: 'read_a_id', type: 'uuid' })
  readAId!: string;

  @Column({ name: 'read_b_id', type: 'uuid' })
  readBId!: string;

  @Column({ type: 'numeric', precision: 4, scale: 1, transformer: decimalColumn })
  difference!: number;

  @Column({ name: 'rules_fired', type: 'text', array: true })
  rulesFired!: DiscordanceRuleName[];

  /** The study settings in force when the pair was evaluated. */
  @Column({ type: 'jsonb' })
  rules!: DiscordanceRule;

  @Column({ type: 'text' })
  outcome!: 'concordant' | 'discordant';

  @Column({ name: 'evaluated_at', type: 'timestamptz' })
  evaluatedAt!: Date;
}

/** 'withdrawn' while an image query it raised is open; 'voided' when a replacement undoes it. */
export const ADJUDICATION_STATUSES = ['open', 'decided', 'withdrawn', 'voided'] as const;
export type AdjudicationStatus = (typeof ADJUDICATION_STATUSES)[number];

/** A discordant pair waiting for (or settled by) an adjudicator who read neither read. */
@Entity({ name: 'adjudication_tasks' })
export class AdjudicationTaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'photo_set_id', type: 'uuid' })
  photoSetId!: string;

  @Column({ name: 'study_id', type: 'uuid' })
  studyId!: string;

  @Column({ name: 'evaluation_id', type: 'uuid' })
  evaluationId!: string;

  @Column({ name: 'adjudicator_id', type: 'uuid' })
  adjudicatorId!: string;

  @Column({ type: 'text' })
  code!: string;

  @Column({ name: 'queue_key', type: 'double precision' })
  queueKey!: number;

  @Column({ type: 'text' })
  status!: AdjudicationStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  /** The coordinator's comment when an image query this task raised was confirmed. */
  @Column({ name: 'query_comment', type: 'text', nullable: true })
  queryComment!: string | null;
}

export const ADJUDICATION_CHOICES = ['A', 'B', 'own'] as const;
export type AdjudicationChoice = (typeof ADJUDICATION_CHOICES)[number];

/** The adjudicator's choice and written rationale. Immutable. */
@Entity({ name: 'adjudication_decisions' })
export class AdjudicationDecisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'adjudication_task_id', type: 'uuid' })
  adjudicationTaskId!: string;

  @Column({ name: 'photo_set_id', type: 'uuid' })
  photoSetId!: string;

  @Column({ name: 'adjudicator_id', type: 'uuid' })
  adjudicatorId!: string;

  @Column({ type: 'text' })
  choice!: AdjudicationChoice;

  @Column({ name: 'score_top', type: 'numeric', nullable: true, transformer: decimalColumn })
  top!: number | null;

  @Column({ name: 'score_back', type: 'numeric', nullable: true, transformer: decimalColumn })
  back!: number | null;

  @Column({ name: 'score_left', type: 'numeric', nullable: true, transformer: decimalColumn })
  left!: number | null;

  @Column({ name: 'score_right', type: 'numeric', nullable: true, transformer: decimalColumn })
  right!: number | null;

  @Column({ type: 'numeric', precision: 4, scale: 1, transformer: decimalColumn })
  salt!: number;

  @Column({ type: 'text' })
  rationale!: string;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;
}

export const FINAL_SOURCES = ['concordant-mean', 'adjudicated'] as const;
export type FinalSource = (typeof FINAL_SOURCES)[number];

/** A set's final SALT. Versioned: a corrected read that is re-evaluated adds a new version. */
@Entity({ name: 'final_scores' })
export class FinalScoreEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'photo_set_id', type: 'uuid' })
  photoSetId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'numeric', precision: 4, scale: 1, transformer: decimalColumn })
  salt!: number;

  @Column({ type: 'text' })
  source!: FinalSource;

  @Column({ name: 'evaluation_id', type: 'uuid' })
  evaluationId!: string;

  @Column({ name: 'adjudication_decision_id', type: 'uuid', nullable: true })
  adjudicationDecisionId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
