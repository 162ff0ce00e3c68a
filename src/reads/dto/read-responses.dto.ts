import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReadCounts } from '../reads.repository';
import { ReadQueue, SubmittedScore } from '../reads.service';
import { ReopenedRead } from '../read-corrections.service';
import { ReadTaskView } from '../read-task.view';
import { ImageUrlsDto } from '../../blinded-images/image-urls.dto';

/**
 * Response schemas of the rater's routes. They describe exactly what read-task.view.ts builds:
 * blinded roles must never receive a field these do not list (the e2e contract check holds
 * every response to them).
 */

export class DraftScoresDto {
  @ApiPropertyOptional()
  top?: number;

  @ApiPropertyOptional()
  back?: number;

  @ApiPropertyOptional()
  left?: number;

  @ApiPropertyOptional()
  right?: number;
}

export class SubmittedReadDto {
  @ApiProperty()
  top!: number;

  @ApiProperty()
  back!: number;

  @ApiProperty()
  left!: number;

  @ApiProperty()
  right!: number;

  @ApiProperty({ description: 'Computed by the server, one decimal' })
  salt!: number;

  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;
}

export class ReadTaskDto implements ReadTaskView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Random, different for the two raters of one set' })
  readCode!: string;

  @ApiProperty({ enum: ['assigned', 'submitted'] })
  status!: 'assigned' | 'submitted';

  @ApiProperty({ type: () => ImageUrlsDto })
  images!: ImageUrlsDto;

  @ApiProperty({ type: () => DraftScoresDto, nullable: true })
  draft!: DraftScoresDto | null;

  @ApiProperty({ type: () => SubmittedReadDto, nullable: true })
  submitted!: SubmittedReadDto | null;

  @ApiPropertyOptional({
    description:
      "The coordinator's comment after an image query on these images was answered by a " +
      'confirmation (typed by the coordinator, shown to the reader as written)',
  })
  queryComment?: string;
}

export class ReadQueueItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  readCode!: string;

  @ApiProperty({ enum: ['assigned'] })
  status!: string;
}

export class ReadCountsDto implements ReadCounts {
  @ApiProperty({ type: 'integer' })
  open!: number;

  @ApiProperty({ type: 'integer' })
  submittedToday!: number;

  @ApiProperty({ type: 'integer' })
  submitted!: number;
}

export class ReadQueueDto implements ReadQueue {
  @ApiProperty({ type: () => [ReadQueueItemDto], description: 'Open tasks only' })
  items!: ReadQueueItemDto[];

  @ApiProperty({ type: () => ReadCountsDto })
  counts!: ReadCountsDto;
}

export class SubmittedScoreDto implements SubmittedScore {
  @ApiProperty({ example: 42.2 })
  salt!: number;

  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;
}

/** A not-evaluable answer: no read is recorded; an image query goes to the coordinator. */
export class NotEvaluableRecordedDto {
  @ApiProperty({ enum: ['top', 'back', 'left', 'right'], isArray: true })
  notEvaluable!: ('top' | 'back' | 'left' | 'right')[];

  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;
}

export class ReopenedReadDto implements ReopenedRead {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['assigned'] })
  status!: 'assigned';

  @ApiProperty({ type: 'integer', description: 'The version the rater will submit next' })
  version!: number;
}
