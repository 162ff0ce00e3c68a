import { ApiProperty } from '@nestjs/swagger';
import { AgreementKappa, PairBlandAltman, PairIcc, RaterMonitoring } from '../agreement-report';
import { BlandAltman, IccResult, Interval } from '../agreement-stats';
import { AgreementView } from '../agreement.service';

export class IntervalDto implements Interval {
  @ApiProperty()
  lower!: number;

  @ApiProperty()
  upper!: number;
}

export class IccDto implements IccResult {
  @ApiProperty()
  value!: number;

  @ApiProperty({ type: () => IntervalDto })
  ci95!: IntervalDto;

  @ApiProperty({ type: 'integer', description: 'Sets' })
  n!: number;

  @ApiProperty({ type: 'integer', description: 'Reads per set' })
  k!: number;
}

export class PairIccDto extends IccDto implements PairIcc {
  @ApiProperty({ type: [String], minItems: 2, maxItems: 2 })
  raterIds!: [string, string];

  @ApiProperty({
    description:
      'Satterthwaite df of the interval; near 0 (a strongly negative ICC) the interval is unreliable and can exclude the estimate, and notes say so',
  })
  ciDf!: number;
}

export class BlandAltmanDto implements BlandAltman {
  @ApiProperty({ type: 'integer' })
  n!: number;

  @ApiProperty({ description: 'Mean difference' })
  bias!: number;

  @ApiProperty()
  sd!: number;

  @ApiProperty({ type: () => IntervalDto })
  biasCi95!: IntervalDto;

  @ApiProperty()
  lowerLimit!: number;

  @ApiProperty()
  upperLimit!: number;

  @ApiProperty({ type: () => IntervalDto, description: 'Exact, by the non-central t' })
  lowerLimitCi95!: IntervalDto;

  @ApiProperty({ type: () => IntervalDto, description: 'Exact, by the non-central t' })
  upperLimitCi95!: IntervalDto;
}

export class PairBlandAltmanDto extends BlandAltmanDto implements PairBlandAltman {
  @ApiProperty({
    type: [String],
    minItems: 2,
    maxItems: 2,
    description: 'Every difference is raterIds[0] − raterIds[1]',
  })
  raterIds!: [string, string];

  @ApiProperty({ example: 'Ada Lovelace − Bo Diddley', description: 'The orientation, named' })
  difference!: string;
}

export class KappaDto implements AgreementKappa {
  @ApiProperty({ example: 'AA-IGA' })
  scale!: string;

  @ApiProperty({ type: [String], description: "The scale's fixed categories" })
  categories!: string[];

  @ApiProperty({ type: 'integer', description: 'Sets' })
  n!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Null when not defined (every read in one category); notes say so',
  })
  linear!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Null when not defined' })
  quadratic!: number | null;
}

export class RaterMonthDto {
  @ApiProperty({ example: '2026-01' })
  month!: string;

  @ApiProperty({ type: 'integer' })
  reads!: number;

  @ApiProperty({ type: 'integer' })
  discordant!: number;

  @ApiProperty({ type: 'integer' })
  chosen!: number;

  @ApiProperty({ type: 'integer' })
  decided!: number;
}

export class RaterMonitoringDto implements RaterMonitoring {
  @ApiProperty({ format: 'uuid' })
  raterId!: string;

  @ApiProperty({ type: 'integer' })
  reads!: number;

  @ApiProperty({ type: 'integer' })
  discordant!: number;

  @ApiProperty({ type: Number, nullable: true })
  adjudicationRate!: number | null;

  @ApiProperty({ type: 'integer' })
  adjudicatedWithChoice!: number;

  @ApiProperty({ type: 'integer' })
  chosen!: number;

  @ApiProperty({ type: Number, nullable: true })
  chosenRate!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: '1 − chosenRate' })
  disagreementIndex!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Mean of this rater's SALT − the partner's over their reads; null below five reads",
  })
  meanDifferenceFromPartners!: number | null;

  @ApiProperty({ type: () => IntervalDto, nullable: true, description: 't interval' })
  meanDifferenceCi95!: IntervalDto | null;

  @ApiProperty({ type: () => [RaterMonthDto] })
  byMonth!: RaterMonthDto[];
}

export class AgreementDto implements AgreementView {
  @ApiProperty({ format: 'uuid' })
  studyId!: string;

  @ApiProperty({ type: 'integer' })
  pairs!: number;

  @ApiProperty({ type: 'integer' })
  discordant!: number;

  @ApiProperty({
    type: () => IccDto,
    nullable: true,
    description: 'ICC(1,1), one-way random, over every evaluated pair; null below five sets',
  })
  icc11!: IccDto | null;

  @ApiProperty({
    type: () => [PairIccDto],
    description: 'ICC(2,1), two-way random, absolute agreement, per fixed rater pair',
  })
  icc21ByPair!: PairIccDto[];

  @ApiProperty({
    type: () => [PairBlandAltmanDto],
    description: 'Bland–Altman per fixed rater pair sharing at least five sets, oriented by rater',
  })
  blandAltmanByPair!: PairBlandAltmanDto[];

  @ApiProperty({
    type: () => BlandAltmanDto,
    nullable: true,
    description:
      'Every pair pooled, as slot A − slot B. Slot order is random, so the bias is near 0 by design and describes no rater; the limits describe two raters drawn from the pool',
  })
  blandAltmanPooled!: BlandAltmanDto | null;

  @ApiProperty({
    type: () => KappaDto,
    nullable: true,
    description: 'Null below five sets',
  })
  kappa!: KappaDto | null;

  @ApiProperty({ type: () => [RaterMonitoringDto] })
  raters!: RaterMonitoringDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Rater names by id',
  })
  raterNames!: Record<string, string>;

  @ApiProperty({ type: [String] })
  notes!: string[];
}
