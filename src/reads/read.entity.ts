import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { decimalColumn } from '../database/typed-query';

/** One submitted version of a rater's scores. Immutable (a database trigger refuses changes). */
@Entity({ name: 'reads' })
export class ReadEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'read_task_id', type: 'uuid' })
  readTaskId!: string;

  @Column({ name: 'photo_set_id', type: 'uuid' })
  photoSetId!: string;

  @Column({ name: 'rater_id', type: 'uuid' })
  raterId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({
    name: 'score_top',
    type: 'numeric',
    precision: 4,
    scale: 1,
    transformer: decimalColumn,
  })
  top!: number;

  @Column({
    name: 'score_back',
    type: 'numeric',
    precision: 4,
    scale: 1,
    transformer: decimalColumn,
  })
  back!: number;

  @Column({
    name: 'score_left',
    type: 'numeric',
    precision: 4,
    scale: 1,
    transformer: decimalColumn,
  })
  left!: number;

  @Column({
    name: 'score_right',
    type: 'numeric',
    precision: 4,
    scale: 1,
    transformer: decimalColumn,
  })
  right!: number;

  /** Computed by the server from the four values; a client's SALT is never trusted. */
  @Column({ type: 'numeric', precision: 4, scale: 1, transformer: decimalColumn })
  salt!: number;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'correction_reason', type: 'text', nullable: true })
  correctionReason!: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;
}
