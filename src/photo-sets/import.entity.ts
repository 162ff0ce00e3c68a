import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const IMPORT_STATUSES = [
  'validating',
  'importing',
  'completed',
  'rejected',
  'failed',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportProblem {
  /** Manifest row (1 = first data row), or 0 for a problem with the archive itself. */
  row: number;
  reason: string;
}

/** A bulk import of photo sets from one ZIP archive. */
@Entity({ name: 'imports' })
export class ImportEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'study_id', type: 'uuid' })
  studyId!: string;

  @Column({ type: 'text' })
  status!: ImportStatus;

  /** Photo sets in the archive. */
  @Column({ type: 'int' })
  total!: number;

  /** Photo sets whose ingest has finished (ready or rejected). */
  @Column({ type: 'int' })
  processed!: number;

  @Column({ type: 'jsonb' })
  errors!: ImportProblem[];

  @Column({ name: 'archive_key', type: 'text', nullable: true })
  archiveKey!: string | null;

  /** Originals written by a validation attempt that has not committed its photo sets yet. */
  @Column({ name: 'staged_keys', type: 'text', array: true })
  stagedKeys!: string[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
