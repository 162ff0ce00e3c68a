import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PHOTO_SET_STATUSES, PhotoSetStatus } from '../../common/photo-set-status';
import { VIEWS } from '../photo-set.entity';
import { RENDITION_SIZES, RenditionSize } from '../photo-image.entity';
import { VISIT_PATTERN } from '../../studies/study-settings';

export const SUBJECT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export { VISIT_PATTERN };

/** True for a real calendar date written YYYY-MM-DD (2024-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export class UploadPhotoSetDto {
  @ApiProperty({ example: 'S-001' })
  @IsString()
  @Matches(SUBJECT_CODE_PATTERN, {
    message: 'subjectCode must be 1–64 letters, digits, dots, dashes or underscores',
  })
  subjectCode!: string;

  @ApiProperty({ example: 'baseline' })
  @IsString()
  @Matches(VISIT_PATTERN, {
    message: 'visit must be 1–64 letters, digits, spaces, dots, dashes or underscores',
  })
  visit!: string;

  @ApiPropertyOptional({ example: '2024-03-01', description: 'ISO date, YYYY-MM-DD' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'visitDate must be a date written YYYY-MM-DD' })
  visitDate?: string;

  @ApiPropertyOptional({ description: 'Replace the set’s images while no read has started' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  replace?: boolean;
}

export class ListPhotoSetsQuery {
  @ApiPropertyOptional({ enum: PHOTO_SET_STATUSES })
  @IsOptional()
  @IsIn(PHOTO_SET_STATUSES)
  status?: PhotoSetStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  subjectCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class RenditionQuery {
  @ApiPropertyOptional({ enum: RENDITION_SIZES, default: 'display' })
  @IsOptional()
  @IsIn(RENDITION_SIZES)
  size?: RenditionSize;

  /** Only part of the URL, so a replaced image has a URL of its own in browser caches. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: "The image's version (views[].version); the current image is served either way",
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsInt()
  @Min(1)
  v?: number;
}

export const VIEW_PARAM_VALUES = VIEWS;
