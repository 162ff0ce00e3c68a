import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

/** Filters shared by the event list and the export. */
export class AuditFilterDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  studyId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'read.submitted' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ example: 'photo-set' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  entityId?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; events before this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditPageDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;
}

export class AuditListQueryDto extends IntersectionType(AuditFilterDto, AuditPageDto) {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', description: 'by seq' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class AuditExportQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['csv', 'jsonl'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['csv', 'jsonl'])
  format?: 'csv' | 'jsonl';
}

export class EntityTimelineParamsDto {
  @ApiProperty({ example: 'photo-set', pattern: '^[a-z][a-z0-9-]{0,63}$' })
  @Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'type must be a kebab-case entity type' })
  type!: string;

  @ApiProperty({ maxLength: 200, description: "The entity's id, usually a UUID" })
  @IsString()
  @MaxLength(200)
  id!: string;
}
