import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ImageUrlsDto } from '../../blinded-images/image-urls.dto';
import { ADJUDICATION_CHOICES, AdjudicationChoice } from '../adjudication.entities';
import { AdjudicationCounts, ScoresWithSalt } from '../adjudication.repository';
import { AdjudicationQueue, DecisionResult } from '../adjudication.service';
import { AdjudicationTaskView } from '../adjudication-task.view';
import { DISCORDANCE_RULES, DiscordanceRule, DiscordanceRuleName } from '../../scoring/discordance';

/**
 * Response schemas of the adjudicator's routes: Read A and Read B without rater identities, and
 * nothing about the subject, visit or set (adjudication-task.view.ts).
 */

export class ScoresWithSaltDto implements ScoresWithSalt {
  @ApiProperty()
  top!: number;

  @ApiProperty()
  back!: number;

  @ApiProperty()
  left!: number;

  @ApiProperty()
  right!: number;

  @ApiProperty()
  salt!: number;
}

export class DiscordanceRuleDto implements DiscordanceRule {
  @ApiProperty()
  maxDifference!: number;

  @ApiProperty({ type: [Number] })
  thresholds!: number[];
}

export class DecisionViewDto {
  @ApiProperty({ enum: ADJUDICATION_CHOICES })
  choice!: AdjudicationChoice;

  @ApiProperty()
  finalSalt!: number;

  @ApiProperty()
  rationale!: string;

  @ApiProperty({ format: 'date-time' })
  decidedAt!: string;
}

export class AdjudicationTaskDto implements AdjudicationTaskView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Random; names the task without naming the set' })
  code!: string;

  @ApiProperty({ enum: ['open', 'decided'] })
  status!: 'open' | 'decided';

  @ApiProperty({ type: () => ImageUrlsDto })
  images!: ImageUrlsDto;

  @ApiProperty({ type: () => ScoresWithSaltDto })
  readA!: ScoresWithSaltDto;

  @ApiProperty({ type: () => ScoresWithSaltDto })
  readB!: ScoresWithSaltDto;

  @ApiProperty({ description: '|A − B| in SALT points' })
  difference!: number;

  @ApiProperty({ enum: DISCORDANCE_RULES, isArray: true })
  rulesFired!: DiscordanceRuleName[];

  @ApiProperty({ type: () => DiscordanceRuleDto })
  rules!: DiscordanceRuleDto;

  @ApiProperty({ description: 'Whether the study lets the adjudicator give their own read' })
  allowOwn!: boolean;

  @ApiProperty({ type: () => DecisionViewDto, nullable: true })
  decision!: DecisionViewDto | null;

  @ApiPropertyOptional({
    description:
      "The coordinator's comment after an image query on these images was answered by a " +
      'confirmation (typed by the coordinator, shown to the adjudicator as written)',
  })
  queryComment?: string;
}

export class AdjudicationQueueItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  code!: string;

  @ApiProperty({ enum: ['open'] })
  status!: string;
}

export class AdjudicationCountsDto implements AdjudicationCounts {
  @ApiProperty({ type: 'integer' })
  open!: number;

  @ApiProperty({ type: 'integer' })
  decidedToday!: number;

  @ApiProperty({ type: 'integer' })
  decided!: number;
}

export class AdjudicationQueueDto implements AdjudicationQueue {
  @ApiProperty({ type: () => [AdjudicationQueueItemDto] })
  items!: AdjudicationQueueItemDto[];

  @ApiProperty({ type: () => AdjudicationCountsDto })
  counts!: AdjudicationCountsDto;
}

/** A not-evaluable answer: no decision; an image query goes to the coordinator. */
export class AdjudicationQueryRaisedDto {
  @ApiProperty({ enum: ['top', 'back', 'left', 'right'], isArray: true })
  notEvaluable!: ('top' | 'back' | 'left' | 'right')[];

  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;
}

export class DecisionResultDto implements DecisionResult {
  @ApiProperty()
  finalSalt!: number;

  @ApiProperty({ format: 'date-time' })
  decidedAt!: string;
}
