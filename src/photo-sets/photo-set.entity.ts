import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** The four standard SALT views, each weighted by its share of the scalp. */
export const VIEWS = ['top', 'back', 'left', 'right'] as const;
export type View = (typeof VIEWS)[number];

export const PHOTO_SET_STATUSES = [
  'processing',
  'rejected',
  'ready',
  'awaiting-raters',
  'reading',
  'adjudicating',
  'final',
] as const;
export type PhotoSetStatus = (typeof PHOTO_SET_STATUSES)[number];

/**
 * Every status change a photo set may make, by the status it leaves; PhotoSetsRepository.transition
 * refuses anything else. Forward: processing → (ingest) → ready | rejected; ready → reading, or
 * awaiting-raters until two raters are free (assignment); reading → final when the pair agrees,
 * else adjudicating → final. Back: a set goes back to processing when its originals are replaced,
 * which is allowed only until a rater may have seen them; a reopened read takes a final set back
 * to reading. The two self-moves are no-ops a caller may ask for without checking first: replacing
 * a set that is still processing, reopening a read of a set still reading.
 */
export const PHOTO_SET_TRANSITIONS = {
  processing: ['ready', 'rejected', 'processing'],
  rejected: ['processing'],
  ready: ['awaiting-raters', 'reading', 'processing'],
  'awaiting-raters': ['reading', 'processing'],
  reading: ['final', 'adjudicating', 'reading'],
  adjudicating: ['final'],
  final: ['reading'],
} as const satisfies { readonly [From in PhotoSetStatus]: readonly PhotoSetStatus[] };

export function isAllowedTransition(from: PhotoSetStatus, to: PhotoSetStatus): boolean {
  return (PHOTO_SET_TRANSITIONS[from] as readonly PhotoSetStatus[]).includes(to);
}

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
