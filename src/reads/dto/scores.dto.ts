import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateBy, ValidationOptions } from 'class-validator';
import { isRegionValue } from '../../scoring/salt';

/**
 * A view's percent of terminal hair lost: a JSON number from 0 to 100 with at most one decimal.
 * Strings, NaN and missing values fail with a message naming the field.
 */
export function IsRegionScore(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRegionScore',
      validator: {
        validate: (value: unknown) => isRegionValue(value),
        defaultMessage: (args) =>
          args?.value === undefined || args.value === null
            ? `${args?.property} is required: a number from 0 to 100 with at most one decimal`
            : `${args?.property} must be a number from 0 to 100 with at most one decimal`,
      },
    },
    options,
  );
}

const scoreDoc = { minimum: 0, maximum: 100, multipleOf: 0.1, example: 42.5 };

/** The four region values; the server computes SALT from them. */
export class ScoresDto {
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

export class DraftDto {
  @ApiPropertyOptional(scoreDoc)
  @IsOptional()
  @IsRegionScore()
  top?: number;

  @ApiPropertyOptional(scoreDoc)
  @IsOptional()
  @IsRegionScore()
  back?: number;

  @ApiPropertyOptional(scoreDoc)
  @IsOptional()
  @IsRegionScore()
  left?: number;

  @ApiPropertyOptional(scoreDoc)
  @IsOptional()
  @IsRegionScore()
  right?: number;
}

export class ReopenDto {
  @ApiProperty({ description: 'Why the read is corrected (kept in the audit trail)' })
  @IsString()
  @ValidateBy({
    name: 'meaningfulReason',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.trim().length >= 5,
      defaultMessage: () => 'reason must be at least 5 characters',
    },
  })
  @MaxLength(2000)
  reason!: string;
}
