import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { RegionScores } from '../scoring/salt';

export const READ_TASK_STATUSES = ['assigned', 'submitted', 'reassigned'] as const;
export type ReadTaskStatus = (typeof READ_TASK_STATUSES)[number];

/** A rater's draft: whatever views they have filled in so far. */
export type ReadDraft = Partial<RegionScores>;

/** One rater's task of reading one photo set (slot 1 or 2 of its pair). */
@Entity({ name: 'read_tasks' })
export class ReadTaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'photo_set_id', type: 'uuid' })
  photoSetId!: string;

  @Column({ name: 'study_id', type: 'uuid' })
  studyId!: string;

  @Column({ type: 'smallint' })
  slot!: 1 | 2;

  @Column({ name: 'rater_id', type: 'uuid' })
  raterId!: string;

  /** The only name the rater knows the task by; random, different for the two raters. */
  @Column({ name: 'read_code', type: 'text' })
  readCode!: string;

  /** Random, set at assignment: the rater's queue order, so one subject's visits don't cluster. */
  @Column({ name: 'queue_key', type: 'double precision' })
  queueKey!: number;

  @Column({ type: 'text' })
  status!: ReadTaskStatus;

  /** Which read version the next submission creates; a reopened task moves to the next one. */
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb', nullable: true })
  draft!: ReadDraft | null;

  @Column({ name: 'reopen_reason', type: 'text', nullable: true })
  reopenReason!: string | null;

  @Column({ name: 'replaces_task_id', type: 'uuid', nullable: true })
  replacesTaskId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ name: 'reassigned_at', type: 'timestamptz', nullable: true })
  reassignedAt!: Date | null;
}
