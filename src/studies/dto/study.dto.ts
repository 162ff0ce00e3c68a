import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { StudyRole, STUDY_ROLES } from '../study-role';
import {
  ADJUDICATION_MODES,
  AdjudicationMode,
  PAIRINGS,
  Pairing,
  VISIT_PATTERN,
} from '../study-settings';

function IsAscending(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAscending',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every((item, index) => index === 0 || Number(value[index - 1]) < Number(item)),
        defaultMessage: () => '$property must be sorted ascending without repeats',
      },
    },
    options,
  );
}

/** One visit of a schedule in a request. */
export class ScheduledVisitDto {
  @ApiProperty({ example: 'week 24' })
  @IsString()
  @Matches(VISIT_PATTERN, {
    message: 'label must be 1–64 letters, digits, spaces, dots, dashes or underscores',
  })
  label!: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 169,
    description: 'Planned study day; omitted or null when the charter gives none',
  })
  @IsOptional()
  @IsInt()
  @Min(-3650)
  @Max(36500)
  plannedDay?: number | null;

  @ApiProperty({ description: 'Exactly one visit of the schedule is the baseline' })
  @IsBoolean()
  baseline!: boolean;
}

/**
 * At most one decimal, as SALT values have. Not class-validator's `maxDecimalPlaces`: it reads
 * the digits after a '.' in the number's text and throws (a 500) on 1e-7, which has none.
 */
function AtMostOneDecimal(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'atMostOneDecimal',
      validator: {
        // k/10 is the double nearest to the decimal "k/10", so a one-decimal value survives
        // the round trip exactly and anything finer (0.25, 1e-7) does not.
        validate: (value: unknown) =>
          typeof value !== 'number' || Math.round(value * 10) / 10 === value,
        defaultMessage: () => '$property must have at most one decimal',
      },
    },
    options,
  );
}

/** Reader-quality rules in a request: any subset; missing keys keep their current value. */
export class ReaderQualitySettingsDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 50,
    description: 'Calibration sets a new rater reads before live work; 0 turns qualification off',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(50)
  qualificationSetCount?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 5 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @AtMostOneDecimal()
  @Min(0)
  @Max(100)
  passMaxMeanAbsError?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 80 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @AtMostOneDecimal()
  @Min(0)
  @Max(100)
  passMinWithinPercent?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  trainingFeedback?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.05 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  rereadShare?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 3650, example: 14 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  washoutDays?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000, example: 20 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  washoutReads?: number;
}

/** Settings in a request: any subset; missing keys keep their current (or default) value. */
export class StudySettingsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 10 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @AtMostOneDecimal()
  @Min(0)
  @Max(100)
  maxDifference?: number;

  @ApiPropertyOptional({ type: [Number], example: [20] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  @AtMostOneDecimal({ each: true })
  @Min(0, { each: true })
  @Max(100, { each: true })
  @IsAscending()
  thresholds?: number[];

  @ApiPropertyOptional({ enum: PAIRINGS })
  @IsOptional()
  @IsIn(PAIRINGS)
  pairing?: Pairing;

  @ApiPropertyOptional({ enum: ADJUDICATION_MODES })
  @IsOptional()
  @IsIn(ADJUDICATION_MODES)
  adjudication?: AdjudicationMode;

  @ApiPropertyOptional({
    type: () => [ScheduledVisitDto],
    description:
      'The visit schedule, in order, replacing the current one. Uploads and imports then accept ' +
      'only these visits; a visit that already has photo sets cannot be left out',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ScheduledVisitDto)
  visits?: ScheduledVisitDto[];

  @ApiPropertyOptional({ type: () => ReaderQualitySettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReaderQualitySettingsDto)
  readerQuality?: ReaderQualitySettingsDto;

  @ApiPropertyOptional({
    description:
      'Signers re-enter their password at every signing, not only at the first in a session',
  })
  @IsOptional()
  @IsBoolean()
  signatureEverySigning?: boolean;
}

export class CreateStudyDto {
  @ApiProperty({ example: 'AA-IL2-01' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'code must be 1–64 letters, digits, dots, dashes or underscores',
  })
  code!: string;

  @ApiProperty({ example: 'Low-dose IL-2 in alopecia areata' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title!: string;

  @ApiPropertyOptional({ type: StudySettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StudySettingsDto)
  settings?: StudySettingsDto;
}

export class UpdateStudyDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ type: StudySettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StudySettingsDto)
  settings?: StudySettingsDto;

  @ApiPropertyOptional({ description: 'Required when the settings change' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason?: string;
}

export class PutMemberDto {
  @ApiProperty({ enum: STUDY_ROLES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(STUDY_ROLES, { each: true })
  roles!: StudyRole[];
}
