import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, ValidateBy } from 'class-validator';
import { NOT_EVALUABLE_REASONS } from '../../reads/dto/not-evaluable.dto';
import { QueryView, ImageVersionView } from '../query.view';
import { QueryCounts } from '../queries.repository';
import { QueryList } from '../queries.service';

export const COMMENT_MIN = 5;
export const COMMENT_MAX = 1000;
// eslint-disable-next-line no-control-regex -- refusing control characters (but line breaks) is the point
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;

export class ListQueriesQuery {
  @ApiPropertyOptional({
    enum: ['open', 'answered'],
    description: 'open includes replacements being processed',
  })
  @IsOptional()
  @IsIn(['open', 'answered'], { message: 'status must be open or answered' })
  status?: 'open' | 'answered';
}

export class ConfirmQueryDto {
  @ApiProperty({
    minLength: COMMENT_MIN,
    maxLength: COMMENT_MAX,
    description:
      'Why the image stands as it is. Shown to the readers exactly as typed: write nothing ' +
      'that names the subject, the visit, a date or a reader.',
  })
  @IsString({ message: 'comment must be a string' })
  @ValidateBy({
    name: 'queryComment',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        value.trim().length >= COMMENT_MIN &&
        value.length <= COMMENT_MAX &&
        !CONTROL.test(value),
      defaultMessage: () =>
        `comment must be ${COMMENT_MIN} to ${COMMENT_MAX} characters, without control characters`,
    },
  })
  comment!: string;
}

export class QueriedViewDto {
  @ApiProperty({ enum: ['top', 'back', 'left', 'right'] })
  view!: 'top' | 'back' | 'left' | 'right';

  @ApiProperty({ enum: NOT_EVALUABLE_REASONS })
  reason!: string;

  @ApiPropertyOptional({ description: "The reader's words, with reason 'other'" })
  text?: string;
}

export class QueryDto implements QueryView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  photoSetId!: string;

  @ApiProperty({ format: 'uuid' })
  studyId!: string;

  @ApiProperty()
  subjectCode!: string;

  @ApiProperty()
  visit!: string;

  @ApiProperty({
    enum: ['open', 'replacing', 'answered'],
    description: 'replacing: a replacement image is being processed',
  })
  status!: 'open' | 'replacing' | 'answered';

  @ApiProperty({ type: () => [QueriedViewDto] })
  views!: QueriedViewDto[];

  @ApiProperty({ enum: ['a reader'], description: 'Never who: the coordinator answers a reader' })
  raisedBy!: 'a reader';

  @ApiProperty({ format: 'date-time' })
  raisedAt!: string;

  @ApiProperty({ type: 'integer', description: 'Seconds since it was raised' })
  ageSeconds!: number;

  @ApiProperty({ enum: ['replaced', 'confirmed'], nullable: true, type: String })
  answer!: 'replaced' | 'confirmed' | null;

  @ApiProperty({ nullable: true, type: String, description: 'Shown to the readers as written' })
  comment!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  answeredAt!: string | null;
}

export class QueryCountsDto implements QueryCounts {
  @ApiProperty({ type: 'integer' })
  open!: number;

  @ApiProperty({ type: 'integer' })
  replacing!: number;

  @ApiProperty({ type: 'integer' })
  answered!: number;
}

export class QueryListDto implements QueryList {
  @ApiProperty({ type: () => [QueryDto] })
  items!: QueryDto[];

  @ApiProperty({ type: () => QueryCountsDto })
  counts!: QueryCountsDto;
}

export class ImageVersionDto implements ImageVersionView {
  @ApiProperty({ enum: ['top', 'back', 'left', 'right'] })
  view!: 'top' | 'back' | 'left' | 'right';

  @ApiProperty({ type: 'integer' })
  version!: number;

  @ApiProperty({ enum: ['pending', 'ready', 'rejected'] })
  status!: 'pending' | 'ready' | 'rejected';

  @ApiProperty({ description: 'SHA-256 of the original as uploaded' })
  sha256!: string;

  @ApiProperty({ format: 'date-time' })
  uploadedAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  supersededAt!: string | null;

  @ApiProperty({ description: 'The image readers see now; earlier versions are never served' })
  current!: boolean;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  imageQueryId!: string | null;
}

export class PhotoSetQueriesDto {
  @ApiProperty({ type: () => [QueryDto] })
  items!: QueryDto[];

  @ApiProperty({ type: () => [ImageVersionDto] })
  imageVersions!: ImageVersionDto[];
}

export class ReplacementBodyDto {
  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'Vertex' })
  top?: unknown;

  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'Posterior' })
  back?: unknown;

  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'Left side' })
  left?: unknown;

  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'Right side' })
  right?: unknown;
}
