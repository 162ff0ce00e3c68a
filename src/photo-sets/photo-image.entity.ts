import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { View } from './photo-set.entity';

export type PhotoImageStatus = 'pending' | 'ready' | 'rejected';
export const RENDITION_SIZES = ['thumb', 'display', 'full'] as const;
export type RenditionSize = (typeof RENDITION_SIZES)[number];

/**
 * One view of a photo set. The original is kept (restricted, never served); the renditions are
 * re-encoded copies with every metadata block removed, and only they are ever served.
 */
@Entity({ name: 'photo_images' })
export class PhotoImageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'photo_set_id', type: 'uuid' })
  photoSetId!: string;

  @Column({ type: 'text' })
  view!: View;

  @Column({ type: 'text' })
  status!: PhotoImageStatus;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'original_key', type: 'text' })
  originalKey!: string;

  @Column({ name: 'original_sha256', type: 'text' })
  originalSha256!: string;

  @Column({ name: 'original_bytes', type: 'bigint', nullable: true })
  originalBytes!: string | null;

  @Column({ name: 'full_key', type: 'text', nullable: true })
  fullKey!: string | null;

  @Column({ name: 'display_key', type: 'text', nullable: true })
  displayKey!: string | null;

  @Column({ name: 'thumb_key', type: 'text', nullable: true })
  thumbKey!: string | null;

  @Column({ type: 'int', nullable: true })
  width!: number | null;

  @Column({ type: 'int', nullable: true })
  height!: number | null;

  /** Strong ETags (SHA-256 of the bytes) of the full, display and thumb renditions. */
  @Column({ type: 'text', nullable: true })
  etag!: string | null;

  @Column({ name: 'display_etag', type: 'text', nullable: true })
  displayEtag!: string | null;

  @Column({ name: 'thumb_etag', type: 'text', nullable: true })
  thumbEtag!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
