import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IMPORT_STATUSES, ImportProblem, ImportStatus } from '../import.entity';
import { PHOTO_SET_STATUSES, PhotoSetStatus } from '../../common/photo-set-status';
import { View, VIEWS } from '../photo-set.entity';
import { PhotoSetView } from '../photo-set.view';
import { ImportView } from '../imports.service';

export class PhotoSetViewStatusDto {
  @ApiProperty({ enum: VIEWS })
  view!: View;

  @ApiProperty({ enum: ['pending', 'ready', 'rejected'] })
  status!: 'pending' | 'ready' | 'rejected';

  @ApiProperty({
    type: 'integer',
    description: 'The image version: higher once an image query replaced it (earlier ones kept)',
  })
  version!: number;

  @ApiPropertyOptional({ description: 'Why the image was rejected' })
  reason?: string;
}

export class RejectionReasonDto {
  @ApiProperty({ enum: VIEWS })
  view!: View;

  @ApiProperty()
  reason!: string;
}

/** The unblinded view of a set, for coordinators, auditors and admins only. */
export class PhotoSetDto implements PhotoSetView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  studyId!: string;

  @ApiProperty({ example: 'S-001' })
  subjectCode!: string;

  @ApiProperty({ example: 'baseline' })
  visit!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  visitDate!: string | null;

  @ApiProperty({ enum: PHOTO_SET_STATUSES })
  status!: PhotoSetStatus;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: () => [PhotoSetViewStatusDto] })
  views!: PhotoSetViewStatusDto[];

  @ApiProperty({ type: () => [RejectionReasonDto] })
  rejectionReasons!: RejectionReasonDto[];
}

export class PhotoSetPageDto {
  @ApiProperty({ type: () => [PhotoSetDto] })
  items!: PhotoSetDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor`; null at the end' })
  nextCursor!: string | null;
}

export class UploadAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['processing'] })
  status!: 'processing';
}

/** The multipart body of an upload: four views of one subject's visit. */
export class UploadPhotoSetBodyDto {
  @ApiProperty({ example: 'S-001' })
  subjectCode!: string;

  @ApiProperty({ example: 'baseline' })
  visit!: string;

  @ApiPropertyOptional({ format: 'date', example: '2024-03-01' })
  visitDate?: string;

  @ApiPropertyOptional({ description: 'true replaces the images while no read has started' })
  replace?: boolean;

  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'Vertex (JPEG, PNG, TIFF or WebP)',
  })
  top!: unknown;

  @ApiProperty({ type: 'string', format: 'binary', description: 'Posterior' })
  back!: unknown;

  @ApiProperty({ type: 'string', format: 'binary', description: 'Left side' })
  left!: unknown;

  @ApiProperty({ type: 'string', format: 'binary', description: 'Right side' })
  right!: unknown;
}

export class ImportAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

/** The multipart body of a bulk import. */
export class ImportArchiveBodyDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'A ZIP archive: manifest.csv (subject_code, visit, visit_date, view, file) and the ' +
      'images it names',
  })
  archive!: unknown;
}

export class ImportProblemDto implements ImportProblem {
  @ApiProperty({
    type: 'integer',
    description: 'Manifest row (1 = first data row); 0 = the archive',
  })
  row!: number;

  @ApiProperty()
  reason!: string;
}

export class ImportDto implements ImportView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: IMPORT_STATUSES })
  status!: ImportStatus;

  @ApiProperty({ type: 'integer', description: 'Photo sets in the archive' })
  total!: number;

  @ApiProperty({ type: 'integer', description: 'Photo sets whose ingest has finished' })
  processed!: number;

  @ApiProperty({ type: () => [ImportProblemDto] })
  errors!: ImportProblemDto[];
}
