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
