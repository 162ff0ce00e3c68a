import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { PhotoSetStatus } from '../common/photo-set-status';

/** The four standard SALT views, each weighted by its share of the scalp. */
export const VIEWS = ['top', 'back', 'left', 'right'] as const;
export type View = (typeof VIEWS)[number];

/** One subject at one visit: four views that are read together. */
@Entity({ name: 'photo_sets' })
export class PhotoSetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'study_id', type: 'uuid' })
  studyId!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ type: 'text' })
  visit!: string;

  /** ISO date (YYYY-MM-DD); never shown to raters or adjudicators. */
  @Column({ name: 'visit_date', type: 'date', nullable: true })
  visitDate!: string | null;

  @Column({ type: 'text' })
  status!: PhotoSetStatus;

  @Column({ name: 'import_id', type: 'uuid', nullable: true })
  importId!: string | null;

  /** Starts at 1; each replacement of the originals adds one (and versions the ingest job). */
  @Column({ type: 'int' })
  revision!: number;

  /** Rendition files written by an ingest attempt that has not committed yet. */
  @Column({ name: 'staged_keys', type: 'text', array: true })
  stagedKeys!: string[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
