import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength, ValidateBy, ValidationOptions } from 'class-validator';
import { isRegionValue } from '../../scoring/salt';

function IsRegionScore(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRegionScore',
      validator: {
        validate: (value: unknown) => isRegionValue(value),
        defaultMessage: (args) =>
          `${args?.property} must be a number from 0 to 100 with at most one decimal`,
      },
    },
    options,
  );
}

const scoreDoc = { minimum: 0, maximum: 100, multipleOf: 0.1, example: 42.5 };

/** The experts' reference read of a calibration set: the four views, as a rater scores them. */
export class ReferenceReadDto {
  @ApiProperty({ ...scoreDoc, description: 'Vertex, 40% of the scalp' })
  @IsRegionScore()
  top!: number;

  @ApiProperty({ ...scoreDoc, description: 'Posterior, 24%' })
  @IsRegionScore()
  back!: number;

  @ApiProperty({ ...scoreDoc, description: 'Left side, 18%' })
  @IsRegionScore()
  left!: number;

  @ApiProperty({ ...scoreDoc, description: 'Right side, 18%' })
  @IsRegionScore()
  right!: number;
}

/** Why an admin acts on a rater's qualification: kept in the audit trail. */
export class ReasonDto {
  @ApiProperty({
    minLength: 10,
    maxLength: 2000,
    example: 'Reviewed the calibration reads with the lead reader',
  })
  @IsString()
  @MinLength(10, { message: 'reason must say why, in at least 10 characters' })
  @MaxLength(2000)
  reason!: string;
}

export class ReferenceDto {
  @ApiProperty() top!: number;
  @ApiProperty() back!: number;
  @ApiProperty() left!: number;
  @ApiProperty() right!: number;
  @ApiProperty() salt!: number;
}

export class CalibrationSetDto {
  @ApiProperty({ format: 'uuid' })
  photoSetId!: string;

  @ApiProperty()
  subjectCode!: string;

  @ApiProperty()
  visit!: string;

  @ApiProperty({ type: ReferenceDto })
  reference!: ReferenceDto;

  @ApiProperty({ format: 'date-time' })
  markedAt!: string;
}

export class OwnQualificationDto {
  @ApiProperty({ enum: ['in-training', 'qualified', 'failed'] })
  status!: 'in-training' | 'qualified' | 'failed';

  @ApiProperty()
  suspended!: boolean;
}

export class QualificationRoundDto {
  @ApiProperty() roundNo!: number;
  @ApiProperty({ enum: ['open', 'passed', 'failed', 'cancelled'] })
  status!: 'open' | 'passed' | 'failed' | 'cancelled';
  @ApiProperty({ type: Number, nullable: true }) meanAbsError!: number | null;
  @ApiProperty({ type: Number, nullable: true }) withinPercent!: number | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
}

export class ChartPointDto {
  @ApiProperty() index!: number;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ description: 'Reads in the subgroup' }) n!: number;
  @ApiProperty() discordant!: number;
  @ApiProperty({ description: 'Share of the subgroup’s reads in a discordant pair' })
  rate!: number;
  @ApiProperty() lowerLimit!: number;
  @ApiProperty() upperLimit!: number;
  @ApiProperty() outOfControl!: boolean;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Mean of read − final SALT over the subgroup’s final sets',
  })
  meanSignedDifference!: number | null;
}

export class RereadPairDto {
  @ApiProperty() first!: number;
  @ApiProperty() second!: number;
}

export class IntervalEstimateDto {
  @ApiProperty() value!: number;
  @ApiProperty() lower!: number;
  @ApiProperty() upper!: number;
}

export class RepeatabilityDto {
  @ApiProperty({ description: '2.77 × within-subject SD (Bland & Altman)' }) coefficient!: number;
  @ApiProperty() withinSubjectSd!: number;
  @ApiProperty() lower!: number;
  @ApiProperty() upper!: number;
  @ApiProperty({ description: 'Mean of re-read − first read' }) meanDifference!: number;
}

export class RereadStatsDto {
  @ApiProperty({ type: [RereadPairDto] }) pairs!: RereadPairDto[];
  @ApiProperty({
    type: IntervalEstimateDto,
    nullable: true,
    description: 'Test–retest ICC(A,1) (Shrout & Fleiss ICC(2,1), absolute agreement) with 95% CI',
  })
  icc!: IntervalEstimateDto | null;
  @ApiProperty({ type: RepeatabilityDto, nullable: true }) repeatability!: RepeatabilityDto | null;
}

export class RaterQualityDto {
  @ApiProperty({ format: 'uuid' }) raterId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ enum: ['in-training', 'qualified', 'failed'] })
  status!: 'in-training' | 'qualified' | 'failed';
  @ApiProperty() suspended!: boolean;
  @ApiProperty({ type: String, nullable: true }) suspensionReason!: string | null;
  @ApiProperty({ type: [QualificationRoundDto] }) rounds!: QualificationRoundDto[];
  @ApiProperty({ type: [ChartPointDto] }) chart!: ChartPointDto[];
  @ApiProperty({ type: RereadStatsDto }) rereads!: RereadStatsDto;
}

export class ReaderAlertDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) raterId!: string;
  @ApiProperty() raterName!: string;
  @ApiProperty({ enum: ['discordance'] }) chart!: 'discordance';
  @ApiProperty() pointIndex!: number;
  @ApiProperty() value!: number;
  @ApiProperty() lowerLimit!: number;
  @ApiProperty() upperLimit!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ReaderQualitySettingsEchoDto {
  @ApiProperty() qualificationSetCount!: number;
  @ApiProperty() passMaxMeanAbsError!: number;
  @ApiProperty() passMinWithinPercent!: number;
  @ApiProperty() trainingFeedback!: boolean;
  @ApiProperty() rereadShare!: number;
  @ApiProperty() washoutDays!: number;
  @ApiProperty() washoutReads!: number;
}

export class ReaderQualityOverviewDto {
  @ApiProperty({ type: ReaderQualitySettingsEchoDto }) settings!: ReaderQualitySettingsEchoDto;
  @ApiProperty() pooledDiscordanceRate!: number;
  @ApiProperty() subgroupSize!: number;
  @ApiProperty({ type: [RaterQualityDto] }) raters!: RaterQualityDto[];
  @ApiProperty({ type: [ReaderAlertDto] }) alerts!: ReaderAlertDto[];
}
