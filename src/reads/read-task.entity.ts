import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { RegionScores } from '../scoring/salt';

/**
 * 'withdrawn': out of the rater's queue while an image query on the set is open (it comes back
 * on a confirmation); 'voided': undone by a replacement image, kept as history, never counted.
 */
export const READ_TASK_STATUSES = [
  'assigned',
  'submitted',
  'reassigned',
  'withdrawn',
  'voided',
] as const;
export type ReadTaskStatus = (typeof READ_TASK_STATUSES)[number];

/**
 * A live first read, a calibration read (qualification) or a blinded re-read. Never sent to the
 * rater: the three look the same to them (reader-quality/).
 */
export const READ_TASK_KINDS = ['live', 'calibration', 'reread'] as const;
export type ReadTaskKind = (typeof READ_TASK_KINDS)[number];

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

  @Column({ type: 'text' })
  kind!: ReadTaskKind;

  /** Which read version the next submission creates; a reopened task moves to the next one. */
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb', nullable: true })
  draft!: ReadDraft | null;

  @Column({ name: 'reopen_reason', type: 'text', nullable: true })
  reopenReason!: string | null;

  /** The coordinator's comment when an image query on the set was answered by a confirmation. */
  @Column({ name: 'query_comment', type: 'text', nullable: true })
  queryComment!: string | null;

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
