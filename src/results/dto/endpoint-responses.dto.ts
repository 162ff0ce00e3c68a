import { ApiProperty } from '@nestjs/swagger';
import {
  CRITERIA,
  Criterion,
  EndpointsReport,
  Rate,
  SubjectList,
  Summary,
  VisitEndpoints,
} from '../endpoints';

/** n, mean (SD), median (IQR) and range; the statistics are null when n is 0 (SD when n < 2). */
export class SummaryDto implements Summary {
  @ApiProperty({ type: 'integer' })
  n!: number;

  @ApiProperty({ type: Number, nullable: true })
  mean!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Sample SD (n − 1); null for n < 2' })
  sd!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  median!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'First quartile (R type 7)' })
  q1!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Third quartile (R type 7)' })
  q3!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  min!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  max!: number | null;
}

/** A responder rate: count of n, with its Wilson score 95% interval. */
export class RateDto implements Rate {
  @ApiProperty({ enum: CRITERIA })
  criterion!: Criterion;

  @ApiProperty({ example: 'SALT ≤ 20' })
  label!: string;

  @ApiProperty({ type: 'integer', description: 'Subjects meeting the criterion' })
  count!: number;

  @ApiProperty({ type: 'integer', description: 'Subjects judged' })
  n!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'count / n, 0–1; null when n is 0' })
  rate!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Wilson 95% CI, lower bound (0–1)' })
  ciLow!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Wilson 95% CI, upper bound (0–1)' })
  ciHigh!: number | null;
}

export class SubjectListDto implements SubjectList {
  @ApiProperty({ type: 'integer' })
  count!: number;

  @ApiProperty({ type: [String], description: 'Subject codes, sorted' })
  subjects!: string[];
}

export class VisitEndpointsDto implements VisitEndpoints {
  @ApiProperty({ example: 'week 24' })
  visit!: string;

  @ApiProperty({ type: 'integer', description: '1-based position in the schedule (AVISITN)' })
  order!: number;

  @ApiProperty({ type: Number, nullable: true })
  plannedDay!: number | null;

  @ApiProperty()
  baseline!: boolean;

  @ApiProperty({ description: 'False for a label in use that the schedule does not list' })
  scheduled!: boolean;

  @ApiProperty({ type: 'integer', description: 'Photo sets at this visit, final or not' })
  sets!: number;

  @ApiProperty({
    type: () => SubjectListDto,
    description: 'Sets not final yet: counted and named, never imputed',
  })
  notFinal!: SubjectListDto;

  @ApiProperty({ type: () => SummaryDto, description: 'Final SALT' })
  salt!: SummaryDto;

  @ApiProperty({
    type: () => SummaryDto,
    nullable: true,
    description: 'Current − baseline SALT per subject; null at the baseline visit',
  })
  change!: SummaryDto | null;

  @ApiProperty({
    type: () => SummaryDto,
    nullable: true,
    description:
      '100 · (current − baseline) / baseline per subject (negative = regrowth); baseline 0 ' +
      'left out; null at the baseline visit',
  })
  percentChange!: SummaryDto | null;

  @ApiProperty({
    type: () => SubjectListDto,
    description: 'Final here without a final baseline: left out of change and SALT50/75/90',
  })
  noBaseline!: SubjectListDto;

  @ApiProperty({
    type: () => SubjectListDto,
    description: 'Baseline SALT 0: percent change undefined, left out of SALT50/75/90',
  })
  baselineZero!: SubjectListDto;

  @ApiProperty({
    type: () => [RateDto],
    description: 'SALT ≤ 20 and ≤ 10 at every visit; SALT50/75/90 after the baseline only',
  })
  rates!: RateDto[];
}

/** Trial endpoints per scheduled visit, from final SALT only. */
export class EndpointsDto implements EndpointsReport {
  @ApiProperty({ format: 'uuid' })
  studyId!: string;

  @ApiProperty({ type: () => [VisitEndpointsDto], description: 'In schedule order' })
  visits!: VisitEndpointsDto[];

  @ApiProperty({
    type: [String],
    description: 'What was left out and why: sets not final, no baseline, baseline 0',
  })
  notes!: string[];
}
